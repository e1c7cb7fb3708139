// Learner segments: RFM, activity clusters and predicted value, computed by the daily cron or on
// request, summarised with their sizes, profiles and the value model's report, and exported as
// learner ids with their scores (JSON or CSV) for email and ad audiences.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import Papa from "papaparse";
import { computeSegments } from "../../../jobs/analytics/segments";
import { SEGMENT_KINDS, type SegmentKind, type SegmentReport } from "../../../schema/analytics-tables";
import { MANUAL_RUN_LIMITS, MAX_SEGMENT_EXPORT_ROWS } from "../../../schema/limits";
import { limitedRun } from "../../shared/manual-runs";
import type { SiteScope } from "../../../schema/queries/scope";
import { segmentMembersPage, segmentReportsOf } from "../../../schema/queries/segments";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";

export const segmentRoutes = new OpenAPIHono<AppBindings>();

const KindReport = z
  .object({
    kind: z.enum(SEGMENT_KINDS),
    computed_at: z.string(),
    status: z.enum(["computed", "skipped"]),
    reason: z
      .string()
      .nullable()
      .openapi({ description: "Why a kind was skipped (too few learners, all alike, too many rows)." }),
    currency: z.string(),
    learners: z.number().int(),
    segments: z.array(
      z.object({
        segment: z.string(),
        learners: z.number().int(),
        profile: z.record(z.string(), z.number().nullable()).openapi({
          description:
            "Means over the segment. rfm: revenue, recency_days, frequency, monetary; cluster: share and each activity " +
            "feature; value: predicted_value. Money in major units of `currency`.",
        }),
      }),
    ),
    silhouette: z
      .array(z.object({ k: z.number().int(), score: z.number().nullable() }))
      .nullable()
      .openapi({ description: "cluster: each k tried and its mean silhouette; the best k was kept." }),
    value_model: z
      .object({
        lambda: z.number(),
        intercept: z.number().openapi({ description: "Predicted 90-day revenue at the training means." }),
        coefficients: z.array(
          z.object({
            feature: z.string(),
            estimate: z
              .number()
              .openapi({ description: "Revenue per standard deviation of the feature (log1p of counts)." }),
            standard_error: z.number(),
          }),
        ),
        train: z.object({ n: z.number().int(), r2: z.number().nullable() }),
        holdout: z.object({
          n: z.number().int(),
          r2: z.number().nullable(),
          baseline_r2: z
            .number()
            .nullable()
            .openapi({ description: "R² of predicting the training mean for everyone." }),
        }),
      })
      .nullable(),
    notes: z.array(z.string()),
  })
  .openapi("SegmentKindReport");

const Summary = z
  .object({ rfm: KindReport.nullable(), cluster: KindReport.nullable(), value: KindReport.nullable() })
  .openapi("SegmentSummary", { description: "null: never computed for this site yet." });

function kindView(kind: SegmentKind, computedAt: number, r: SegmentReport): z.infer<typeof KindReport> {
  return {
    kind,
    computed_at: iso(computedAt),
    status: r.status,
    reason: r.reason,
    currency: r.currency,
    learners: r.learners,
    segments: r.segments,
    silhouette: r.silhouette,
    value_model: r.fit && {
      lambda: r.fit.lambda,
      intercept: r.fit.intercept,
      coefficients: r.fit.coefficients.map((c) => ({
        feature: c.feature,
        estimate: c.estimate,
        standard_error: c.standardError,
      })),
      train: r.fit.train,
      holdout: { n: r.fit.holdout.n, r2: r.fit.holdout.r2, baseline_r2: r.fit.holdout.baselineR2 },
    },
    notes: r.notes,
  };
}

async function summary(db: SiteDatabase, scope: SiteScope): Promise<z.infer<typeof Summary>> {
  const out: z.infer<typeof Summary> = { rfm: null, cluster: null, value: null };
  for (const r of await segmentReportsOf(db, scope)) out[r.kind] = kindView(r.kind, r.computedAt, r.report);
  return out;
}

segmentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/segments",
    tags: ["Behaviour"],
    summary: "Learner segments of each kind with sizes and profiles, and the value model's report (read scope)",
    description: "Computed daily (03:17 UTC) and by POST /api/v1/segments/compute.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Per kind, its latest computation", ...json(Summary) } },
  }),
  async (c) => c.json(await summary(siteDatabase(c.env, siteScope(c).siteId), siteScope(c)), 200),
);

segmentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/segments/compute",
    tags: ["Behaviour"],
    summary: "Compute the site's segments now (admin scope)",
    description:
      "RFM over every order, activity clusters over the last 90 days, the value model over learners of the last year. " +
      `At most ${MANUAL_RUN_LIMITS.segments.runs} times per site in ${MANUAL_RUN_LIMITS.segments.minutes} minutes (the daily run is not counted).`,
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery },
    responses: {
      200: { description: "The new summary", ...json(Summary) },
      404: { description: "Unknown site", ...errors },
      429: { description: "Computed too often: retry after the Retry-After seconds", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    await limitedRun(siteDatabase(c.env, scope.siteId), scope.siteId, "segments", () =>
      computeSegments(siteDatabase(c.env, site.id), site, Date.now()),
    );
    return c.json(await summary(siteDatabase(c.env, scope.siteId), scope), 200);
  },
);

const Member = z.object({
  learner_id: z
    .string()
    .openapi({ description: "The user id, else the user the visitor was identified as, else the hashed visitor id." }),
  scores: z.record(z.string(), z.number()).openapi({
    description:
      "rfm: recency_days, frequency, monetary, r, f, m; cluster: the activity features; value: predicted_value, rank.",
  }),
});

const ExportQuery = SiteQuery.extend({
  format: z.enum(["json", "csv"]).default("json"),
  limit: z.coerce.number().int().min(1).max(MAX_SEGMENT_EXPORT_ROWS).default(1000),
  cursor: z
    .string()
    .max(400)
    .optional()
    .openapi({ description: "`next_cursor` (or the x-next-cursor header) of the previous page." }),
});

const ExportParams = z.object({
  kind: z.enum(SEGMENT_KINDS).openapi({ param: { name: "kind", in: "path" } }),
  segment: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "segment", in: "path" }, example: "champions" }),
});

const encodeCursor = (learner: string) => btoa(String.fromCodePoint(...new TextEncoder().encode(learner)));
function decodeCursor(cursor: string | undefined): string {
  if (!cursor) return "";
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(cursor), (ch) => ch.codePointAt(0)!));
  } catch {
    throw new ApiError(400, "validation_failed", "Bad cursor.", [
      { path: "cursor", message: "Use next_cursor as given." },
    ]);
  }
}

segmentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/segments/{kind}/{segment}/learners",
    tags: ["Behaviour"],
    summary: "A segment's learners and their scores, for email or ad audiences (read scope)",
    description: `By learner id, at most ${MAX_SEGMENT_EXPORT_ROWS} a page. Ids only: Wayfind stores no e-mail addresses unless your user ids are them.`,
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: ExportParams, query: ExportQuery },
    responses: {
      200: {
        description: "A page of learners (JSON), or CSV (next page in x-next-cursor)",
        content: {
          "application/json": {
            schema: z.object({
              kind: z.enum(SEGMENT_KINDS),
              segment: z.string(),
              computed_at: z.string(),
              data: z.array(Member),
              next_cursor: z.string().nullable(),
            }),
          },
          "text/csv": { schema: z.string() },
        },
      },
      400: { description: "Bad query", ...errors },
      404: { description: "Not computed, or no such segment", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const { kind, segment } = c.req.valid("param");
    const q = c.req.valid("query");
    const report = (await segmentReportsOf(siteDatabase(c.env, scope.siteId), scope)).find((r) => r.kind === kind);
    if (!report)
      throw new ApiError(404, "not_found", `No ${kind} segments computed yet: POST /api/v1/segments/compute.`);
    if (!report.report.segments.some((s) => s.segment === segment))
      throw new ApiError(404, "not_found", `No ${kind} segment ${segment}.`);
    const rows = await segmentMembersPage(
      siteDatabase(c.env, scope.siteId),
      scope,
      kind,
      segment,
      decodeCursor(q.cursor),
      q.limit + 1,
    );
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? encodeCursor(page.at(-1)!.learnerId) : null;
    if (q.format === "json")
      return c.json(
        {
          kind,
          segment,
          computed_at: iso(report.computedAt),
          data: page.map((m) => ({ learner_id: m.learnerId, scores: m.scores })),
          next_cursor: next,
        },
        200,
      );
    // One column per score, in the order the computation wrote them; formulae escaped for spreadsheets.
    const columns = ["learner_id", "segment", ...Object.keys(page[0]?.scores ?? {})];
    const csv = Papa.unparse(
      { fields: columns, data: page.map((m) => [m.learnerId, segment, ...columns.slice(2).map((k) => m.scores[k])]) },
      { escapeFormulae: true, newline: "\n" },
    );
    return c.body(csv + "\n", 200, {
      ...(next && { "x-next-cursor": next }),
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${kind}-${segment}.csv"`,
    }) as never;
  },
);
