// Many sites (README "Many sites"): D1 allows 10 GB and one writer per database, so a large site can
// get a D1 database of its own. SITE_DATABASES (a var) is a JSON map from site id to the binding
// name of that site's database, e.g. {"site_big":"DB_BIG"}; every site not in it uses DB, the default.
// Only schema/ resolves a site's database, so the query layer is where the routing happens.

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

/** The D1 database that holds `siteId`'s events, sessions and reports. */
export function siteDatabase(env: DatabaseEnv, siteId: string): D1Database {
  const binding = siteMap(env.SITE_DATABASES)[siteId];
  if (!binding) return env.DB;
  const db = (env as unknown as Record<string, unknown>)[binding];
  if (!db || typeof (db as D1Database).prepare !== "function")
    throw new Error(`SITE_DATABASES maps site ${siteId} to ${binding}, which is not a D1 binding of this Worker`);
  return db as D1Database;
}
