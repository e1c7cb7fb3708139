// `npm run archive:query -- "SQL"`: DuckDB over the raw archive (README "Raw archive"). The SQL sees
// two views, `events` and `sessions`, over every day's Parquet files, with the partition columns
// `site` and `date` added from the paths (hive partitioning).
//
//   npm run archive:query -- "SELECT date, channel, count(*) FROM events GROUP BY ALL ORDER BY ALL"
//   npm run archive:query -- --dir /tmp/copy "…"   an archive already copied to a folder
//
// Local development: the archive is in the local R2 bucket of `npm start` (.wayfind/state). It is
// copied to a temporary folder through Miniflare's own R2 API (the same code that wrote it reads it,
// so the script never depends on how blobs are laid out on disk; it works while npm start runs), then
// read with read_parquet. Production reads R2 over its S3 API with DuckDB's httpfs: see the README.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const ARCHIVE_BUCKET = "wayfind-archive";
export const ARCHIVE_TABLES = ["events", "sessions"];

/** Copies every object under archive/ from an R2 bucket binding to `dir`, keeping the keys as paths. */
export async function copyArchive(bucket, dir) {
  let cursor;
  let files = 0;
  do {
    const page = await bucket.list({ prefix: "archive/", cursor });
    for (const { key } of page.objects) {
      const object = await bucket.get(key);
      const path = resolve(dir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, new Uint8Array(await object.arrayBuffer()));
      files++;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return files;
}

/** The views the SQL sees: one per archived table, over `root` (a folder, or s3:// / r2:// URL). */
export function viewStatements(root) {
  return ARCHIVE_TABLES.map(
    (t) =>
      `CREATE OR REPLACE VIEW ${t} AS SELECT * FROM read_parquet('${root}/archive/site=*/date=*/${t}.parquet', hive_partitioning = true)`,
  );
}

/** Runs `sql` with DuckDB over an archive copied to `dir`; returns rows as JSON-safe objects. */
export async function queryArchive(dir, sql) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const statement of viewStatements(dir)) await connection.run(statement);
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Opens `npm start`'s local R2 state (read through Miniflare) and copies the archive to `dir`. */
async function copyLocalArchive(dir) {
  const { convertV4MiniflareOptions, Miniflare } = await import("miniflare");
  const { localPaths } = await import("./local-env.mjs");
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      script: "export default {}",
      // wrangler dev --persist-to <state> keeps its resources under <state>/v3, R2 buckets by name.
      resourcePersistencePath: resolve(localPaths.state, "v3"),
      r2Buckets: { ARCHIVE: ARCHIVE_BUCKET },
    }),
  );
  try {
    return await copyArchive(await mf.getR2Bucket("ARCHIVE"), dir);
  } finally {
    await mf.dispose();
  }
}

async function main() {
  const { values, positionals } = parseArgs({ options: { dir: { type: "string" } }, allowPositionals: true });
  const sql = positionals.join(" ").trim();
  if (!sql) {
    console.error('Usage: npm run archive:query -- "SELECT … FROM events | sessions …" [--dir <copied archive>]');
    process.exit(2);
  }
  let dir = values.dir && resolve(values.dir);
  let temporary;
  if (!dir) {
    dir = temporary = mkdtempSync(resolve(tmpdir(), "wayfind-archive-"));
    const files = await copyLocalArchive(dir);
    if (files === 0) {
      console.error("The local archive is empty: the archive cron (23 1 * * *) has not run yet.");
      console.error(
        'Run it now with `npm run cron -- "23 1 * * *"` while npm start runs (it archives yesterday, UTC).',
      );
      rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    }
  }
  try {
    const rows = await queryArchive(dir, sql);
    console.table(rows);
  } finally {
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
