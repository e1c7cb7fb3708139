// SEO imports: search performance (POST /api/v1/search-performance) from Google Search Console and
// Baidu 百度搜索资源平台, as Search Analytics API JSON or either console's CSV export (English or
// Chinese column names), and keyword research (POST /api/v1/keyword-research). Bad rows are reported
// by CSV line or JSON index and the rest kept; unknown CSV columns are named; a re-import of a day
// replaces that day.
import { siteDatabase } from "../../../schema/databases";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import Papa from "papaparse";
import {
  apiRowToRecord,
  checkKeywordRow,
  checkSearchRow,
  type KeywordRow,
  mapColumns,
  type Rejected,
  SEARCH_DIMENSIONS,
  SEARCH_SOURCES,
  type SearchRow,
} from "../../../models/seo/imports";
import { replaceSearchDays, upsertKeywords } from "../../../schema/queries/seo";
import { requireScope, siteScope } from "../auth";
import { readLimitedText } from "../../shared/body";
import type { AppBindings } from "../env";
import { siteOr404 } from "../lib/sites";
import { ApiError, ErrorEnvelope } from "../../shared/errors";

export const seoImportRoutes = new OpenAPIHono<AppBindings>();
export const SEO_MAX_BODY_BYTES = 5 * 1024 * 1024;

const ImportQuery = z.object({
  site_id: z.string().optional(),
  source: z.enum(SEARCH_SOURCES).default("google").openapi({ description: "Which console the rows come from." }),
  date: z.iso
    .date()
    .optional()
    .openapi({ description: "The day of a CSV export with no date column (console exports cover a chosen range)." }),
});

const ApiBody = z.object({
  dimensions: z.array(z.enum(SEARCH_DIMENSIONS)).min(1),
  date: z.iso.date().optional().openapi({ description: "The day, when `date` is not among the dimensions." }),
  rows: z.array(
    z.object({
      keys: z.array(z.string()),
      clicks: z.number(),
      impressions: z.number(),
      ctr: z.number().optional(),
      position: z.number(),
    }),
  ),
});

const ImportResult = z.object({
  imported: z.number().int(),
  rejected: z.array(
    z.object({
      line: z.number().optional(),
      index: z.number().optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
  unknown_columns: z.array(z.string()).openapi({ description: "CSV columns neither console uses; ignored." }),
});

interface Parsed {
  records: Record<string, unknown>[];
  csv: boolean;
  unknown: string[];
  dims: string[];
  date?: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
}

async function readBody(request: Request, kind: "performance" | "keywords"): Promise<Parsed> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = (await readLimitedText(request, SEO_MAX_BODY_BYTES)).replace(/^\uFEFF/, "");
  if (type === "text/csv" || type === "text/plain") {
    const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true, delimitersToGuess: [",", ";", "\t"] });
    const [header = [], ...lines] = parsed.data;
    const { mapped, unknown } = mapColumns(header, kind);
    const records = lines.map((cells) => {
      const r: Record<string, unknown> = {};
      mapped.forEach((name, i) => name && cells[i] !== undefined && cells[i] !== "" && (r[name] = cells[i]));
      return r;
    });
    const dims = [...new Set(mapped.filter((m): m is string => !!m))];
    return { records, csv: true, unknown, dims };
  }
  if (type !== "application/json")
    throw new ApiError(415, "unsupported_media_type", "Send application/json or text/csv.");
  const body = parseJson(text);
  if (kind === "keywords") {
    const list = Array.isArray(body) ? body : (body as { rows?: unknown })?.rows;
    if (!Array.isArray(list))
      throw new ApiError(400, "validation_failed", "Send an array of rows, or {rows: [...]}.", [
        { path: "rows", message: "Expected an array." },
      ]);
    return { records: list as Record<string, unknown>[], csv: false, unknown: [], dims: [] };
  }
  const head = z.object({ dimensions: ApiBody.shape.dimensions, date: ApiBody.shape.date, rows: z.array(z.unknown()) });
  const checked = head.safeParse(body);
  if (!checked.success)
    throw new ApiError(
      400,
      "validation_failed",
      "Send a Search Analytics response: {dimensions, rows: [{keys, clicks, impressions, ctr, position}]}.",
      checked.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  const { dimensions, date, rows } = checked.data;
  return {
    records: rows.map((r) => apiRowToRecord(dimensions, (r ?? {}) as Record<string, unknown>)),
    csv: false,
    unknown: [],
    dims: dimensions,
    date,
  };
}

function checkAll<T>(
  parsed: Parsed,
  check: (raw: Record<string, unknown>, at: string) => { row?: T; issues?: Rejected["issues"] },
) {
  const good: T[] = [];
  const rejected: Rejected[] = [];
  parsed.records.forEach((raw, i) => {
    const at = parsed.csv ? `line.${i + 2}` : `rows.${i}`;
    // A JSON body may hold anything in its rows: only objects reach the row checks.
    const isObject = raw !== null && typeof raw === "object" && !Array.isArray(raw);
    const result = isObject ? check(raw, at) : { issues: [{ path: at, message: "Expected an object." }] };
    if (result.row) good.push(result.row);
    else rejected.push({ ...(parsed.csv ? { line: i + 2 } : { index: i }), issues: result.issues ?? [] });
  });
  if (good.length === 0)
    throw new ApiError(
      400,
      "validation_failed",
      rejected.length ? "No row was valid." : "No rows.",
      rejected.length ? rejected.flatMap((r) => r.issues) : [{ path: "rows", message: "Expected at least one row." }],
    );
  return { good, rejected };
}

const body = (row: z.ZodType) => ({
  content: {
    "application/json": { schema: row },
    "text/csv": { schema: z.string() },
  },
});
const responses = {
  200: {
    description: "Imported rows, refused rows, unknown columns",
    content: { "application/json": { schema: ImportResult } },
  },
  400: { description: "Nothing valid", content: { "application/json": { schema: ErrorEnvelope } } },
  415: { description: "Neither JSON nor CSV", content: { "application/json": { schema: ErrorEnvelope } } },
};
seoImportRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v1/search-performance",
  tags: ["SEO"],
  summary:
    "Import search performance: a Search Analytics API response, or a Search Console / 百度搜索资源平台 CSV export (admin scope)",
  security: [{ bearer: [] }],
  request: { query: ImportQuery, body: body(ApiBody) },
  responses,
});
seoImportRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v1/keyword-research",
  tags: ["SEO"],
  summary:
    "Import keyword research (keyword, monthly volume, difficulty) from Keyword Planner or 百度关键词规划师 (admin scope)",
  security: [{ bearer: [] }],
  request: {
    query: z.object({ site_id: z.string().optional() }),
    body: body(
      z.array(z.object({ keyword: z.string(), volume: z.number(), difficulty: z.union([z.number(), z.string()]) })),
    ),
  },
  responses,
});

seoImportRoutes.post("/api/v1/search-performance", requireScope("admin"), async (c) => {
  const scope = siteScope(c);
  await siteOr404(c.env.DB, scope);
  const query = ImportQuery.safeParse(c.req.query());
  if (!query.success)
    throw new ApiError(
      400,
      "validation_failed",
      "Bad query parameters.",
      query.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  const parsed = await readBody(c.req.raw, "performance");
  const fallback = parsed.date ?? query.data.date;
  const { good, rejected } = checkAll<SearchRow>(parsed, (raw, at) => checkSearchRow(raw, fallback, at));
  // The keys the table carries (date aside) decide which stored table a re-import replaces.
  const dims = SEARCH_DIMENSIONS.filter((d) => d !== "date" && parsed.dims.includes(d)).join(",");
  await replaceSearchDays(siteDatabase(c.env, scope.siteId), scope, query.data.source, dims, good, Date.now());
  return c.json({ imported: good.length, rejected, unknown_columns: parsed.unknown }, 200);
});

seoImportRoutes.post("/api/v1/keyword-research", requireScope("admin"), async (c) => {
  const scope = siteScope(c);
  await siteOr404(c.env.DB, scope);
  const parsed = await readBody(c.req.raw, "keywords");
  const { good, rejected } = checkAll<KeywordRow>(parsed, checkKeywordRow);
  const byKeyword = new Map(good.map((k) => [k.keyword, k]));
  await upsertKeywords(siteDatabase(c.env, scope.siteId), scope, [...byKeyword.values()], Date.now());
  return c.json({ imported: byKeyword.size, rejected, unknown_columns: parsed.unknown }, 200);
});
