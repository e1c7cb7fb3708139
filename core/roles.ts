// The words of access control, shared by the edge auth context (functions/edge/env.ts), its rules
// (functions/edge/lib/access.ts), the account tables and the route schemas: API key scopes, people's
// roles in a site, and the dashboard pages a share link may open.

/** What an API key may do; a key with `admin` holds every scope. */
export const SCOPES = ["ingest", "read", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** What a route requires: a key scope, a site owner (members), or the bootstrap admin token. */
export type Permission = Scope | "owner" | "admin-token";

export const MEMBER_ROLES = ["owner", "admin", "analyst", "viewer"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
/** A partner member signs in to the partner portal only and reads nothing else of the site. */
export const ROLES = [...MEMBER_ROLES, "partner"] as const;
export type Role = (typeof ROLES)[number];

/** Dashboard pages a share link may open; the API checks them by endpoint group (access.ts). */
export const SHARE_PAGES = ["overview", "traffic", "roi", "courses", "recommendations", "partners"] as const;
export type SharePage = (typeof SHARE_PAGES)[number];

/** One site a person belongs to. */
export interface Membership {
  siteId: string;
  role: Role;
  /** For role "partner": the partner record the person reads in the portal. */
  partnerId: string | null;
}
