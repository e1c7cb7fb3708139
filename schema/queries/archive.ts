// Reads for the raw archive job: one site's rows of one table in a time range, a bounded page at a
// time in (day column, id) order, resumed after the last row of the previous page (keyset paging:
// every page costs the same, however deep into the day). Rows come back as arrays in the column
// order of schema/archive.ts, the cheapest shape D1 returns.
import type { SiteDatabase } from "../databases";
import { ARCHIVE_TABLES, type ArchiveTable } from "../archive";

export type ArchiveRow = unknown[];
/** Where the previous page ended: its last row's day-column value and id. */
export interface ArchiveCursor {
  at: number;
  id: string;
}

export async function readArchivePage(
  db: SiteDatabase,
  table: ArchiveTable,
  range: { siteId: string; from: number; to: number },
  after: ArchiveCursor | null,
  limit: number,
): Promise<ArchiveRow[]> {
  const { dayColumn, columns } = ARCHIVE_TABLES[table];
  const list = columns.map((c) => c.name).join(", ");
  // Names come from the constant map above, never from input; values are bound.
  const resume = after ? `AND (${dayColumn}, id) > (?4, ?5)` : "";
  const stmt = db.prepare(
    `SELECT ${list} FROM ${table} WHERE site_id = ?1 AND ${dayColumn} >= ?2 AND ${dayColumn} < ?3 ${resume} ` +
      `ORDER BY ${dayColumn}, id LIMIT ?6`,
  );
  const bound = stmt.bind(range.siteId, range.from, range.to, after?.at ?? 0, after?.id ?? "", limit);
  return bound.raw();
}
