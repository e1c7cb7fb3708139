// Ad spend (POST /api/v1/costs) and exchange rates (POST /api/v1/fx-rates), as JSON or CSV.
// GA4's cost-import column names are accepted as they are. Bad rows are reported by line (CSV) or
// index (JSON); good rows are kept. Re-importing a day and campaign replaces it.
import { siteDatabase } from "../../../schema/databases";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import Papa from "papaparse";
import { upsertCosts, upsertRates } from "../../../schema/queries/spend";
import { classifyChannel } from "../capture/channels";
import { toMinor } from "../../../core/money";
import { CurrencyCode, MoneyAmount } from "../capture/schemas";
import { siteContext } from "../capture/accept";
import { requireScope, siteScope } from "../auth";
import { readLimitedText } from "../../shared/body";
import type { AppBindings } from "../env";
import { siteOr404 } from "../lib/sites";
import { ApiError, ErrorEnvelope, type Issue, zodIssues } from "../../shared/errors";

export const spendRoutes = new OpenAPIHono<AppBindings>();
export const SPEND_MAX_BODY_BYTES = 5 * 1024 * 1024;

/** GA4 cost data import names (and UTM names) mapped onto ours. */
const COLUMN_ALIASES: Record<string, string> = {
  utm_source: "source",
  utm_medium: "medium",
  utm_campaign: "campaign",
  campaign_name: "campaign",
  campaign_id: "utm_id",
  daily_cost: "cost",
  daily_impressions: "impressions",
  daily_clicks: "clicks",
};

const Day = z.iso.date();
const Amount = z.coerce.number().pipe(MoneyAmount);
const CostInput = z.object({
  date: Day,
  source: z.string().trim().min(1).max(200).toLowerCase(),
  medium: z.string().trim().min(1).max(200).toLowerCase(),
  campaign: z.string().trim().min(1).max(300),
  utm_id: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined),
  cost: Amount,
  currency: CurrencyCode.optional(),
  impressions: z.coerce.number().int().nonnegative().optional(),
  clicks: z.coerce.number().int().nonnegative().optional(),
});
const RateInput = z.object({ date: Day, currency: CurrencyCode, rate: z.coerce.number().finite().positive() });

/** Rows from a JSON array ({rows:[...]} or [...]) or a CSV with a header; empty CSV cells are absent. */
async function readRows(request: Request): Promise<{ rows: Record<string, unknown>[]; csv: boolean }> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await readLimitedText(request, SPEND_MAX_BODY_BYTES);
  if (type === "text/csv" || type === "text/plain") {
    const parsed = Papa.parse<Record<string, string>>(text.trim(), {
      header: true,
      skipEmptyLines: true,
      delimitersToGuess: [",", ";", "\t"],
      transformHeader: (h) => {
        const name = h.trim().toLowerCase().replace(/\s+/g, "_");
        return COLUMN_ALIASES[name] ?? name;
      },
    });
    const rows = parsed.data.map((r) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== "" && v !== undefined)),
    );
    return { rows, csv: true };
  }
  if (type !== "application/json")
    throw new ApiError(415, "unsupported_media_type", "Send application/json or text/csv.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
  const list = Array.isArray(body) ? body : (body as { rows?: unknown })?.rows;
  if (!Array.isArray(list)) {
    throw new ApiError(400, "validation_failed", "Send an array of rows, or {rows: [...]}.", [
      { path: "rows", message: "Expected an array." },
    ]);
  }
  return {
    rows: list.map((r) =>
      Object.fromEntries(Object.entries((r ?? {}) as object).map(([k, v]) => [COLUMN_ALIASES[k] ?? k, v])),
    ),
    csv: false,
  };
}

function validateRows<T>(schema: z.ZodType<T>, input: { rows: Record<string, unknown>[]; csv: boolean }) {
  const good: T[] = [];
  const rejected: { line?: number; index?: number; issues: Issue[] }[] = [];
  input.rows.forEach((row, i) => {
    const result = schema.safeParse(row);
    const where = input.csv ? { line: i + 2 } : { index: i };
    if (result.success) good.push(result.data);
    else rejected.push({ ...where, issues: zodIssues(result.error, input.csv ? `line.${i + 2}` : `rows.${i}`) });
  });
  if (good.length === 0 && rejected.length > 0) {
    throw new ApiError(
      400,
      "validation_failed",
      "No row was valid.",
      rejected.flatMap((r) => r.issues),
    );
  }
  return { good, rejected };
}

const ImportResult = z.object({
  imported: z.number().int(),
  rejected: z.array(
    z.object({
      line: z.number().optional(),
      index: z.number().optional(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
});
const docs = (path: string, summary: string, row: z.ZodType) =>
  spendRoutes.openAPIRegistry.registerPath({
    method: "post",
    path,
    tags: ["Costs and currency"],
    summary,
    security: [{ bearer: [] }],
    request: {
      query: z.object({ site_id: z.string().optional() }),
      body: {
        content: {
          "application/json": { schema: z.union([z.object({ rows: z.array(row) }), z.array(row)]) },
          "text/csv": { schema: z.string() },
        },
      },
    },
    responses: {
      200: {
        description: "Imported rows and the rows refused",
        content: { "application/json": { schema: ImportResult } },
      },
      400: { description: "Nothing valid", content: { "application/json": { schema: ErrorEnvelope } } },
    },
  });
docs(
  "/api/v1/costs",
  "Import ad spend: date, source, medium, campaign, utm_id, cost, currency, impressions, clicks (admin scope)",
  CostInput,
);
docs(
  "/api/v1/fx-rates",
  "Import exchange rates into the site's reporting currency: date, currency, rate (admin scope)",
  RateInput,
);

spendRoutes.post("/api/v1/costs", requireScope("admin"), async (c) => {
  const scope = siteScope(c);
  const site = await siteOr404(c.env.DB, scope);
  const { good, rejected } = validateRows(CostInput, await readRows(c.req.raw));
  const rules = siteContext(site).channelRules;
  const importedAt = Date.now();
  // The same day and campaign twice in one file: the last row wins, as it would on re-import.
  const byKey = new Map(
    good.map((r) => {
      const currency = r.currency ?? site.currency;
      const row = {
        date: r.date,
        source: r.source,
        medium: r.medium,
        campaign: r.campaign,
        utmId: r.utm_id ?? null,
        channel: classifyChannel({ source: r.source, medium: r.medium, campaign: r.campaign }, rules),
        costMinor: toMinor(r.cost, currency),
        currency,
        impressions: r.impressions ?? null,
        clicks: r.clicks ?? null,
        importedAt,
      };
      return [`${r.date}|${r.source}|${r.medium}|${r.campaign}`, row] as const;
    }),
  );
  await upsertCosts(siteDatabase(c.env, scope.siteId), scope, [...byKey.values()]);
  return c.json({ imported: byKey.size, rejected }, 200);
});

spendRoutes.post("/api/v1/fx-rates", requireScope("admin"), async (c) => {
  const scope = siteScope(c);
  const { good, rejected } = validateRows(RateInput, await readRows(c.req.raw));
  await upsertRates(siteDatabase(c.env, scope.siteId), scope, good);
  return c.json({ imported: good.length, rejected }, 200);
});
