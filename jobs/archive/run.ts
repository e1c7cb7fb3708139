// The raw archive (README "Raw archive"): each site's events and sessions of one UTC day, as Parquet
// files in R2 under archive/site=<id>/date=<YYYY-MM-DD>/, with a manifest.json beside them naming
// the files, their row counts and the schema version. Rerunning a day rewrites the same keys, so it
// replaces the day. Rows are read from D1 ARCHIVE_PAGE_ROWS at a time and each page becomes one
// Parquet row group, so memory stays bounded however large the day.
import type { SiteDatabase } from "../../schema/databases";
import { ParquetWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet-writer";
import { DAY_MS } from "../../core/time";
import { ARCHIVE_SCHEMA_VERSION, ARCHIVE_TABLES, type ArchiveColumn, type ArchiveTable } from "../../schema/archive";
import { readArchivePage, type ArchiveCursor } from "../../schema/queries/archive";
import { R2ParquetWriter } from "./r2-writer";

/** Rows per D1 read and per Parquet row group: a few MB of JS objects at most. */
export const ARCHIVE_PAGE_ROWS = 5_000;
export const ARCHIVE_PREFIX = "archive";

export interface ArchiveFile {
  table: ArchiveTable;
  key: string;
  rows: number;
  bytes: number;
}
export interface ArchiveManifest {
  schema_version: number;
  site_id: string;
  date: string;
  /** Which calendar `date` is: rows whose day column falls in [from, to) epoch ms, UTC. */
  time_zone: "UTC";
  from: number;
  to: number;
  written_at: number;
  files: ArchiveFile[];
  columns: Record<ArchiveTable, { name: string; type: string; required: boolean }[]>;
}

export const archiveDir = (siteId: string, day: string) => `${ARCHIVE_PREFIX}/site=${siteId}/date=${day}`;

function parquetSchema(columns: readonly ArchiveColumn[]): SchemaElement[] {
  return [
    { name: "root", num_children: columns.length },
    ...columns.map((c): SchemaElement => ({
      name: c.name,
      type: c.type === "STRING" ? "BYTE_ARRAY" : "INT64",
      ...(c.type === "STRING" && { converted_type: "UTF8" }),
      repetition_type: c.required ? "REQUIRED" : "OPTIONAL",
    })),
  ];
}

/** A D1 value as the Parquet writer takes it: INT64 wants a bigint. */
const cell = (c: ArchiveColumn, v: unknown) => (v == null ? null : c.type === "INT64" ? BigInt(v as number) : v);

/** Writes one table's rows of the range as one Parquet file; returns its row count and size. */
async function archiveTable(
  db: SiteDatabase,
  bucket: R2Bucket,
  table: ArchiveTable,
  range: { siteId: string; from: number; to: number },
  key: string,
  pageRows: number,
): Promise<ArchiveFile> {
  const { columns } = ARCHIVE_TABLES[table];
  const dayIndex = columns.findIndex((c) => c.name === ARCHIVE_TABLES[table].dayColumn);
  const writer = new R2ParquetWriter(bucket, key, { httpMetadata: { contentType: "application/vnd.apache.parquet" } });
  const parquet = new ParquetWriter({ writer, schema: parquetSchema(columns), createdBy: "wayfind archive" });
  let rows = 0;
  try {
    let after: ArchiveCursor | null = null;
    for (;;) {
      const page = await readArchivePage(db, table, range, after, pageRows);
      if (page.length === 0) break;
      rows += page.length;
      const columnData = columns.map((c, j) => ({ name: c.name, data: page.map((row) => cell(c, row[j])) }));
      await parquet.write({ columnData, rowGroupSize: page.length });
      const last = page[page.length - 1]!;
      after = { at: Number(last[dayIndex]), id: String(last[1]) };
      if (page.length < pageRows) break;
    }
    await parquet.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { table, key, rows, bytes: writer.size };
}

/** Archives one site's day (UTC): both tables, then the manifest last, so a manifest means a whole day. */
export async function archiveSiteDay(
  db: SiteDatabase,
  bucket: R2Bucket,
  siteId: string,
  day: string,
  now: number,
  pageRows = ARCHIVE_PAGE_ROWS,
): Promise<ArchiveManifest> {
  const from = Date.parse(`${day}T00:00:00Z`);
  const range = { siteId, from, to: from + DAY_MS };
  const dir = archiveDir(siteId, day);
  const files: ArchiveFile[] = [];
  for (const table of Object.keys(ARCHIVE_TABLES) as ArchiveTable[]) {
    files.push(await archiveTable(db, bucket, table, range, `${dir}/${table}.parquet`, pageRows));
  }
  const manifest: ArchiveManifest = {
    schema_version: ARCHIVE_SCHEMA_VERSION,
    site_id: siteId,
    date: day,
    time_zone: "UTC",
    from: range.from,
    to: range.to,
    written_at: now,
    files,
    columns: {
      events: ARCHIVE_TABLES.events.columns.map((c) => ({ ...c })),
      sessions: ARCHIVE_TABLES.sessions.columns.map((c) => ({ ...c })),
    },
  };
  await bucket.put(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2), {
    httpMetadata: { contentType: "application/json" },
  });
  return manifest;
}
