// Shared by the raw-data listings (events, sessions): time-range and keyset-cursor parsing, and
// output as JSON pages, NDJSON or CSV so users can take their data elsewhere.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import Papa from "papaparse";
import { ApiError } from "../../shared/errors";
import { DAY_MS } from "../../../core/time";

export const LIST_MAX_JSON = 1000;
export const LIST_MAX_EXPORT = 10_000;

const Time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }), z.iso.date()]);

export const ListQuery = z.object({
  site_id: z.string().optional().openapi({ description: "Required with the admin token; a key implies its site." }),
  from: Time.optional().openapi({
    description: "Start (inclusive): epoch ms, ISO date or date-time. Default: 7 days ago.",
  }),
  to: Time.optional().openapi({ description: "End (exclusive). Default: now." }),
  limit: z.coerce.number().int().min(1).max(LIST_MAX_EXPORT).optional(),
  cursor: z.string().max(200).optional().openapi({ description: "`next_cursor` of the previous page." }),
  format: z.enum(["json", "ndjson", "csv"]).default("json"),
});

export function timeRange(q: { from?: string | number; to?: string | number }): { from: number; to: number } {
  const ms = (t: string | number) => (typeof t === "number" ? t : Date.parse(t));
  const to = q.to === undefined ? Date.now() + 60_000 : ms(q.to);
  const from = q.from === undefined ? to - 7 * DAY_MS : ms(q.from);
  if (from >= to) {
    throw new ApiError(400, "validation_failed", "The range is empty.", [
      { path: "from", message: "Must be before `to`." },
    ]);
  }
  return { from, to };
}

export function pageLimit(format: string, limit?: number): number {
  const max = format === "json" ? LIST_MAX_JSON : LIST_MAX_EXPORT;
  if (limit !== undefined && limit > max) {
    throw new ApiError(400, "validation_failed", "Limit too large.", [
      { path: "limit", message: `At most ${max} for format=${format}.` },
    ]);
  }
  return limit ?? (format === "json" ? 100 : max);
}

/** Keyset cursor over (time, id): stable under concurrent inserts, no OFFSET scans. */
export function encodeCursor(time: number, id: string): string {
  return btoa(JSON.stringify([time, id])).replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): { time: number; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [time, id] = JSON.parse(atob(cursor)) as [unknown, unknown];
    if (typeof time === "number" && typeof id === "string") return { time, id };
  } catch {
    /* fall through */
  }
  throw new ApiError(400, "validation_failed", "Bad cursor.", [
    { path: "cursor", message: "Use next_cursor as given." },
  ]);
}

/** The 200 JSON response of a listing whose items are `item`. */
export const listPage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end." }),
  });

/**
 * Runs a keyset-paged listing: asks for one row more than the page to learn whether another page
 * exists, and answers in the requested format.
 */
export async function respondWithPage<Row extends { id: string }, View extends Record<string, unknown>>(
  c: Context,
  q: {
    format: "json" | "ndjson" | "csv";
    limit?: number;
    cursor?: string;
    from?: string | number;
    to?: string | number;
  },
  fetchRows: (p: { from: number; to: number; limit: number; after?: { time: number; id: string } }) => Promise<Row[]>,
  timeOf: (row: Row) => number,
  view: (row: Row) => View,
  name: string,
): Promise<Response> {
  const limit = pageLimit(q.format, q.limit);
  const rows = await fetchRows({ ...timeRange(q), limit: limit + 1, after: decodeCursor(q.cursor) });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null;
  return listResponse(c, q.format, page.map(view), next, name);
}

function listResponse(
  c: Context,
  format: "json" | "ndjson" | "csv",
  rows: Record<string, unknown>[],
  nextCursor: string | null,
  name: string,
): Response {
  if (format === "json") return c.json({ data: rows, next_cursor: nextCursor });
  const headers: Record<string, string> = {};
  if (nextCursor) headers["x-next-cursor"] = nextCursor;
  if (format === "ndjson") {
    const body = rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
    return c.body(body, 200, { ...headers, "content-type": "application/x-ndjson; charset=utf-8" });
  }
  // escapeFormulae: cells starting with = + - @ are prefixed so spreadsheets never run them.
  const csv = Papa.unparse(rows, { escapeFormulae: true, newline: "\n" });
  return c.body(csv + "\n", 200, {
    ...headers,
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}.csv"`,
  });
}
