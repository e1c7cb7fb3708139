// Many sites (README "Many sites"): D1 allows 10 GB and one writer per database, so a large site can
// get a D1 database of its own. SITE_DATABASES (a var) is a JSON map from site id to the binding
// name of that site's database, e.g. {"site_big":"DB_BIG"}; every site not in it uses DB, the default.
//
// Two kinds of table, two kinds of handle. The control tables (sites, api_keys, users,
// site_members, auth_sessions, account_tokens, login_throttle, share_links, salts, dead_letters)
// always live in DB: they are looked up before any site is known. Every other table is
// site-scoped and lives in the site's database, which the query functions of those tables take
// as a SiteDatabase. Only siteDatabase() makes one, so passing env.DB where a site's database
// is due does not compile: the type checker finds every call site the map must reach.

declare const siteDatabaseBrand: unique symbol;

/** The D1 database that holds one site's site-scoped tables (from siteDatabase()). */
export type SiteDatabase = D1Database & { readonly [siteDatabaseBrand]: true };

export interface DatabaseEnv {
  DB: D1Database;
  SITE_DATABASES?: string;
}

let parsed: { text: string; map: Record<string, string> } | null = null;

/** The map, parsed once per distinct value of the var (per isolate). */
function siteMap(text: string | undefined): Record<string, string> {
  if (!text) return {};
  if (parsed?.text !== text) {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new Error("SITE_DATABASES must be a JSON object of site id → D1 binding name");
    parsed = { text, map: value as Record<string, string> };
  }
  return parsed.map;
}

/** The D1 binding of that name, if this Worker has one. */
function bound(env: DatabaseEnv, name: string): SiteDatabase | undefined {
  const db = (env as unknown as Record<string, unknown>)[name];
  return db && typeof (db as D1Database).prepare === "function" ? (db as SiteDatabase) : undefined;
}

const missing = (name: string, what: string) =>
  new Error(`SITE_DATABASES maps ${what} to ${name}, which is not a D1 binding of this Worker`);

/** The site's database; undefined when the map names a binding this Worker lacks. */
function homeOf(env: DatabaseEnv, siteId: string): SiteDatabase | undefined {
  const name = siteMap(env.SITE_DATABASES)[siteId];
  return name ? bound(env, name) : (env.DB as SiteDatabase);
}

/**
 * The D1 database that holds `siteId`'s site-scoped tables (events, sessions, goals, partners…).
 * A site mapped to a binding this Worker lacks fails here, loudly, rather than falling back to DB.
 */
export function siteDatabase(env: DatabaseEnv, siteId: string): SiteDatabase {
  const db = homeOf(env, siteId);
  if (!db) throw missing(siteMap(env.SITE_DATABASES)[siteId]!, `site ${siteId}`);
  return db;
}

/**
 * Every database that may hold site-scoped rows: DB first, then each mapped binding once. For the
 * few reads that start from no site (a partner link's code, a payment provider's token, the
 * cron's due retries): they look in each, and rows carry their site id. A mapped binding this
 * Worker lacks is logged and skipped: one misconfigured site fails its own requests and cron work
 * (siteDatabase), not every site's referral links and report sends.
 */
export function allSiteDatabases(env: DatabaseEnv): SiteDatabase[] {
  const databases = [env.DB as SiteDatabase];
  for (const name of new Set(Object.values(siteMap(env.SITE_DATABASES)))) {
    if (name === "DB") continue;
    const db = bound(env, name);
    if (db) databases.push(db);
    else console.error(missing(name, "a site").message);
  }
  return databases;
}

/**
 * DB, where the control tables live. Any D1Database passes except a SiteDatabase, so a site's
 * database handed to a control query does not compile either.
 */
export type ControlDatabase = D1Database & { readonly [siteDatabaseBrand]?: never };

/**
 * Rows read from every site database, keeping each only from the database its site maps to (a row
 * left behind in DB after its site moved is not the site's). For the cron's cross-site reads.
 */
export async function readEachDatabase<Row>(
  env: DatabaseEnv,
  read: (db: SiteDatabase) => Promise<Row[]>,
  siteOf: (row: Row) => string,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const db of allSiteDatabases(env))
    for (const row of await read(db)) if (homeOf(env, siteOf(row)) === db) rows.push(row);
  return rows;
}
