/**
 * The one site a request may touch. Only the auth layer makes one (from a key or the admin
 * token naming a site), and every tenant query takes it first, so no query can forget the site.
 */
export interface SiteScope {
  readonly siteId: string;
}
