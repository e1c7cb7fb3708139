// Shared by the raw-data listings (events, sessions): time-range and keyset-cursor parsing, and
// output as JSON pages, NDJSON or CSV so users can take their data elsewhere.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import Papa from "papaparse";
import { ApiError } from "../../shared/errors";
import { DAY_MS } from "../../../core/time";

export const LIST_MAX_JSON = 1000;
export const LIST_MAX_EXPORT = 10_000;

/** What a listing's `from` and `to` accept, named in the error so `from=yesterday` says what would work. */
const TIME_FORMATS =
  "Use an ISO 8601 date (2026-11-30), an ISO 8601 date-time with Z or an offset (2026-11-30T08:00:00Z), " +
  "or epoch milliseconds (1796025600000).";
const Time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }), z.iso.date()], {
  error: TIME_FORMATS,
});

export const LIST_ORDERS = ["asc", "desc"] as const;
export type ListOrder = (typeof LIST_ORDERS)[number];

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

/** `order` of the time-ordered raw listings (events, sessions); see listOrder for the default. */
export const OrderQuery = {
  order: z
    .enum(LIST_ORDERS)
    .optional()
    .openapi({
      description:
        "asc: oldest first; desc: newest first. Default: desc without `from` (what was just sent is on the first " +
        "page), asc with `from` (incremental exports).",
    }),
};

/**
 * Newest first unless the caller names an order or where the range starts: someone looking at
 * what just arrived wants it on the first page; someone exporting from a point wants time order.
 */
export function listOrder(q: { order?: ListOrder; from?: string | number }): ListOrder {
  return q.order ?? (q.from === undefined ? "desc" : "asc");
}

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

/** Where a page ended; a newest-first cursor also keeps the range's start (see respondWithPage). */
export interface Cursor {
  time: number;
  id: string;
  order: ListOrder;
  from?: number;
}

/** Keyset cursor over (time, id): stable under concurrent inserts, no OFFSET scans. */
export function encodeCursor(time: number, id: string, order: ListOrder = "asc", from?: number): string {
  const parts = order === "asc" ? [time, id] : [time, id, order, from];
  return btoa(JSON.stringify(parts)).replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined, order: ListOrder = "asc"): Cursor | undefined {
  if (!cursor) return undefined;
  let decoded: Cursor | undefined;
  try {
    const [time, id, made = "asc", from] = JSON.parse(atob(cursor)) as unknown[];
    const validFrom = from === undefined || from === null || typeof from === "number";
    if (typeof time === "number" && typeof id === "string" && (made === "asc" || made === "desc") && validFrom) {
      decoded = { time, id, order: made, ...(typeof from === "number" ? { from } : {}) };
    }
  } catch {
    /* fall through */
  }
  if (!decoded) {
    throw new ApiError(400, "validation_failed", "Bad cursor.", [
      { path: "cursor", message: "Use next_cursor as given." },
    ]);
  }
  if (decoded.order !== order) {
    throw new ApiError(400, "validation_failed", "The cursor belongs to another order.", [
      { path: "cursor", message: `It continues a listing with order=${decoded.order}: repeat the first page's query.` },
    ]);
  }
  return decoded;
}

/** The 200 JSON response of a listing whose items are `item`. */
export const listPage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end." }),
  });

export interface PageParams {
  from: number;
  to: number;
  limit: number;
  order: ListOrder;
  after?: { time: number; id: string };
}

/**
 * Runs a keyset-paged listing: asks for one row more than the page to learn whether another page
 * exists, and answers in the requested format. `order` defaults to asc (oldest first); a listing
 * whose query supports desc passes listOrder(q).
 */
export async function respondWithPage<Row extends { id: string }, View extends Record<string, unknown>>(
  c: Context,
  q: {
    format: "json" | "ndjson" | "csv";
    limit?: number;
    cursor?: string;
    from?: string | number;
    to?: string | number;
    order?: ListOrder;
  },
  fetchRows: (p: PageParams) => Promise<Row[]>,
  timeOf: (row: Row) => number,
  view: (row: Row) => View,
  name: string,
): Promise<Response> {
  const limit = pageLimit(q.format, q.limit);
  const order = q.order ?? "asc";
  const after = decodeCursor(q.cursor, order);
  // Newest first, the default range's start would move with the clock from page to page and the
  // oldest rows would slip out of the window before the last page: the cursor keeps the first page's.
  const range = timeRange(q.from === undefined && after?.from !== undefined ? { ...q, from: after.from } : q);
  const rows = await fetchRows({ ...range, limit: limit + 1, order, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeCursor(timeOf(last), last.id, order, range.from) : null;
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
  const csv = Papa.unparse(rows.map(csvCells), { escapeFormulae: true, newline: "\n" });
  return c.body(csv + "\n", 200, {
    ...headers,
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${name}.csv"`,
  });
}

/** Nested values (an event's items and props) as JSON text: papaparse would write `[object Object]`. */
function csvCells(row: Record<string, unknown>): Record<string, unknown> {
  const cells: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    cells[key] = value !== null && typeof value === "object" ? JSON.stringify(value) : value;
  }
  return cells;
}
