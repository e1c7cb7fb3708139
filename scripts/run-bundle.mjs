// Runs the *built* Workers (dist/, as `wrangler deploy` would upload them) in workerd through
// Miniflare's API, with real local D1, Queues and the service binding. Used by the bundle smoke
// test and by the cold-start benchmark: the test pool injects things the real bundle lacks
// (nodejs_compat, __dirname), so only this proves the deployable bundle works.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { assetsOptions, queueOptions } from "./wrangler-config.mjs";

export const COMPATIBILITY_DATE = "2026-11-01";

/** A built Worker's modules as wrangler uploads them: the script, pre-compiled wasm, data files. */
export function modulesOf(dir, main) {
  return [
    { type: "ESModule", path: resolve(dir, main) },
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".wasm"))
      .map((f) => ({ type: "CompiledWasm", path: resolve(dir, f) })),
    // wrangler's default Data rule: the report charts' font.
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".bin"))
      .map((f) => ({ type: "Data", path: resolve(dir, f) })),
  ];
}

/** Applies drizzle-kit migrations (statements split on its breakpoint marker). */
export async function applyMigrations(db, root) {
  const dir = resolve(root, "schema/migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const statement of readFileSync(resolve(dir, file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
}

/** A Worker that answers every request at once: the baseline for cold start and latency. */
export const HELLO_WORKER = "export default { fetch: () => new Response('{}', { status: 202 }) };";

/**
 * @param {{ root: string, adminToken: string, edge?: "built" | "hello", consume?: boolean, recommend?: "built" | "stub", migrate?: boolean, port?: number, bindings?: Record<string, string>, assets?: boolean, extraDatabases?: string[] }} options
 * `edge: "hello"` runs HELLO_WORKER in the edge Worker's place with all of its bindings, assets and the
 * recommend stub: the cold-start baseline that differs from the edge Worker only in its script.
 * "stub" replaces the recommend Worker with HELLO_WORKER, to time the edge bundle on its own.
 * `bindings` (and ADMIN_TOKEN, the unsubscribe links' fallback signing key) go to both Workers:
 * the recommend Worker sends the report emails with the same mail settings as the edge.
 * The dashboard (dist/dashboard) is served in front of the Worker as wrangler.toml [assets] says,
 * as in production; `assets: false` leaves it out.
 */
export async function startBuiltWorkers({
  root,
  adminToken,
  edge: edgeScript = "built",
  consume = true,
  recommend: which = "built",
  migrate = true,
  port,
  bindings = {},
  assets = true,
  extraDatabases = [],
}) {
  // DB, plus per-site databases (README "Many sites") under their binding names, in both Workers.
  const databases = {
    DB: "wayfind",
    ...Object.fromEntries(extraDatabases.map((b) => [b, `wayfind-${b.toLowerCase()}`])),
  };
  const edge = {
    name: "wayfind",
    ...(edgeScript === "hello"
      ? { modules: true, script: HELLO_WORKER }
      : { modules: modulesOf(resolve(root, "dist/edge"), "index.js"), modulesRoot: resolve(root, "dist/edge") }),
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ADMIN_TOKEN: adminToken, DEFAULT_RETENTION_DAYS: "400", ...bindings },
    d1Databases: databases,
    // Names and retry settings as wrangler.toml declares them; `consume: false` leaves the messages
    // in the queue (the capture benchmark times the producer alone).
    ...(consume ? queueOptions(root) : { queueProducers: queueOptions(root).queueProducers }),
    ...(assets && assetsOptions(root)),
    ratelimits: { COLLECT_LIMITER: { namespace_id: "1001", simple: { limit: 120, period: 60 } } },
    serviceBindings: { RECOMMEND: "wayfind-recommend" },
    // The raw archive's bucket, as wrangler.toml names it.
    r2Buckets: { ARCHIVE: "wayfind-archive" },
  };
  const recommend =
    which === "built"
      ? {
          name: "wayfind-recommend",
          modules: modulesOf(resolve(root, "dist/recommend"), "index.js"),
          modulesRoot: resolve(root, "dist/recommend"),
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: databases,
          r2Buckets: { MODELS: "wayfind-models" },
          bindings: { ADMIN_TOKEN: adminToken, ...bindings },
        }
      : { name: "wayfind-recommend", modules: true, script: HELLO_WORKER, compatibilityDate: COMPATIBILITY_DATE };
  // Options in Miniflare 4's familiar shape, converted to Miniflare 5's.
  const mf = new Miniflare(
    convertV4MiniflareOptions({ workers: [edge, recommend], ...(port !== undefined && { host: "127.0.0.1", port }) }),
  );
  const url = await mf.ready;
  if (migrate) for (const b of ["DB", ...extraDatabases]) await applyMigrations(await mf.getD1Database(b), root);
  return { mf, url };
}

export async function startHelloWorker() {
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [{ name: "hello", modules: true, script: HELLO_WORKER, compatibilityDate: COMPATIBILITY_DATE }],
    }),
  );
  return { mf, url: await mf.ready };
}
