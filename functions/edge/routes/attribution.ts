// POST /api/v1/attribution: stateless attribution over path data a user brings, in
// ChannelAttribution's format, as CSV (";" or "," separated) or JSON. Good rows are used; bad rows
// are reported by line (CSV) or index (JSON).
import { OpenAPIHono, z } from "@hono/zod-openapi";
import Papa from "papaparse";
import { type AttributionResult, attribute } from "../../../models/attribution/attribute";
import { countMarkovStates, VALUE_METHODS } from "../../../models/attribution/markov";
import { ATTRIBUTION_MAX_CHANNELS, MARKOV_MAX_STATES } from "../../../models/attribution/limits";
import { type ConversionPath, MODEL_NAMES, type ModelName, parsePath } from "../../../models/attribution/paths";
import { requireScope } from "../auth";
import { readLimitedText } from "../../shared/body";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope, type Issue, validationError, zodIssues } from "../../shared/errors";
import { roundTo } from "../../../core/money";

export const attributionRoutes = new OpenAPIHono<AppBindings>();

export const ATTRIBUTION_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const ATTRIBUTION_MAX_PATHS = 200_000;

/**
 * Decimal places of credited conversions, values, removal effects and probabilities in the answer.
 * The models compute in full precision (a linear share of 2.1 comes out as 2.0999999999999996);
 * only the output is rounded. Values carry no currency here, so they keep 4 places too.
 */
export const CREDIT_PLACES = 4;

const count = z.coerce.number().finite().nonnegative();
const PathRow = z
  .object({
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    total_conversions: count,
    total_conversion_value: count.default(0),
    total_null: count.default(0),
    days_before: z.array(z.number().nonnegative()).optional().openapi({
      description: "Days between each touchpoint and the conversion, for time decay (default: one day apart).",
    }),
  })
  .refine((r) => (typeof r.path === "string" ? parsePath(r.path).length > 0 : true), {
    path: ["path"],
    message: "A path needs at least one channel.",
  })
  .refine(
    (r) => !r.days_before || r.days_before.length === (typeof r.path === "string" ? parsePath(r.path) : r.path).length,
    {
      path: ["days_before"],
      message: "One entry per touchpoint.",
    },
  )
  .openapi("PathRow");

const Options = z.object({
  models: z
    .union([z.array(z.enum(MODEL_NAMES)), z.string().transform((s) => s.split(",").map((m) => m.trim()))])
    .pipe(z.array(z.enum(MODEL_NAMES)).min(1))
    .default([...MODEL_NAMES]),
  order: z.coerce.number().int().min(1).max(4).default(1),
  half_life_days: z.coerce.number().positive().max(365).default(7),
  value_method: z
    .enum(VALUE_METHODS)
    .default("value_weighted")
    .openapi({
      description:
        "How Markov shares value: value_weighted (removal effects on a value-weighted chain) or channelattribution " +
        "(ChannelAttribution's markov_model: each conversion worth the mean value per conversion of its last state).",
    }),
});

const Rejected = z.object({
  line: z.number().int().optional(),
  index: z.number().int().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});
const Credit = z.object({ conversions: z.number(), value: z.number(), removal_effect: z.number().optional() });
const Result = z
  .object({
    totals: z.object({ conversions: z.number(), value: z.number(), paths: z.number() }),
    channels: z.array(z.object({ channel: z.string() }).catchall(Credit)),
    markov: z
      .object({
        order: z.number(),
        conversion_probability: z.number(),
        transition_matrix: z.record(z.string(), z.record(z.string(), z.number())),
      })
      .optional(),
    rejected: z.array(Rejected),
  })
  .openapi("AttributionResult");

attributionRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v1/attribution",
  tags: ["Attribution"],
  summary: "Attribute conversions over your own paths (any secret key)",
  description:
    "JSON `{paths:[{path:'a > b', total_conversions, total_conversion_value, total_null}], models, order, half_life_days, value_method}` " +
    "or CSV with those columns (`;` or `,`), options then in the query. Models: " +
    MODEL_NAMES.join(", ") +
    `. Credited conversions, values, removal effects and probabilities are rounded to ${CREDIT_PLACES} decimals.`,
  security: [{ bearer: [] }],
  request: {
    body: {
      content: {
        "application/json": { schema: z.object({ paths: z.array(PathRow) }).extend(Options.shape) },
        "text/csv": { schema: z.string() },
      },
    },
  },
  responses: {
    200: { description: "Credit per channel and model", content: { "application/json": { schema: Result } } },
    400: { description: "Nothing valid", content: { "application/json": { schema: ErrorEnvelope } } },
  },
});

function rounded(result: AttributionResult): AttributionResult {
  const r = (n: number) => roundTo(n, CREDIT_PLACES);
  const credit = (c: { conversions: number; value: number; removal_effect?: number }) => ({
    conversions: r(c.conversions),
    value: r(c.value),
    ...(c.removal_effect !== undefined ? { removal_effect: r(c.removal_effect) } : {}),
  });
  return {
    totals: { conversions: r(result.totals.conversions), value: r(result.totals.value), paths: r(result.totals.paths) },
    channels: result.channels.map(({ channel, ...models }) => ({
      channel,
      ...Object.fromEntries(Object.entries(models).map(([m, c]) => [m, typeof c === "string" ? c : credit(c)])),
    })),
    ...(result.markov
      ? {
          markov: {
            order: result.markov.order,
            conversion_probability: r(result.markov.conversion_probability),
            transition_matrix: Object.fromEntries(
              Object.entries(result.markov.transition_matrix).map(([from, row]) => [
                from,
                Object.fromEntries(Object.entries(row).map(([to, p]) => [to, r(p)])),
              ]),
            ),
          },
        }
      : {}),
  };
}

function toPath(row: z.infer<typeof PathRow>): ConversionPath {
  return {
    channels: typeof row.path === "string" ? parsePath(row.path) : row.path.map((c) => c.trim()),
    conversions: row.total_conversions,
    value: row.total_conversion_value,
    nulls: row.total_null,
    daysBefore: row.days_before,
  };
}

function fromCsv(text: string) {
  const parsed = Papa.parse<Record<string, string>>(text.trim(), {
    header: true,
    skipEmptyLines: true,
    delimitersToGuess: [";", ",", "\t"],
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes("path") || !fields.includes("total_conversions")) {
    throw new ApiError(400, "validation_failed", "The CSV needs a header with path and total_conversions.", [
      { path: "line.1", message: `Found columns: ${fields.join(", ") || "(none)"}.` },
    ]);
  }
  return parsed.data.map((row, i) => ({ line: i + 2, result: PathRow.safeParse(row) }));
}

attributionRoutes.post("/api/v1/attribution", requireScope("read"), async (c) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await readLimitedText(c.req.raw, ATTRIBUTION_MAX_BODY_BYTES);
  let rows: { line?: number; index?: number; result: ReturnType<typeof PathRow.safeParse> }[];
  let optionInput: Record<string, unknown> = c.req.query();
  if (type === "text/csv" || type === "text/plain") {
    rows = fromCsv(text);
  } else if (type === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
    }
    const shape = z
      .object({ paths: z.array(z.unknown()).min(1) })
      .passthrough()
      .safeParse(body);
    if (!shape.success) throw validationError(shape.error);
    rows = shape.data.paths.map((p, index) => ({ index, result: PathRow.safeParse(p) }));
    optionInput = { ...optionInput, ...(shape.data as Record<string, unknown>) };
  } else {
    throw new ApiError(415, "unsupported_media_type", "Send application/json or text/csv.");
  }
  if (rows.length > ATTRIBUTION_MAX_PATHS) {
    throw new ApiError(
      413,
      "too_many_paths",
      `At most ${ATTRIBUTION_MAX_PATHS} path rows; aggregate identical paths first.`,
    );
  }
  const options = Options.safeParse({
    models: optionInput.models,
    order: optionInput.order,
    half_life_days: optionInput.half_life_days,
    value_method: optionInput.value_method,
  });
  if (!options.success) throw validationError(options.error);

  const paths: ConversionPath[] = [];
  const rejected: { line?: number; index?: number; issues: Issue[] }[] = [];
  for (const { line, index, result } of rows) {
    if (result.success) paths.push(toPath(result.data));
    else
      rejected.push({
        ...(line !== undefined ? { line } : { index }),
        issues: zodIssues(result.error, line !== undefined ? `line.${line}` : `paths.${index}`),
      });
  }
  if (paths.length === 0) {
    throw new ApiError(
      400,
      "validation_failed",
      "No path row was valid.",
      rejected.flatMap((r) => r.issues),
    );
  }
  const channels = new Set(paths.flatMap((p) => p.channels)).size;
  if (channels > ATTRIBUTION_MAX_CHANNELS) {
    throw new ApiError(
      413,
      "too_many_channels",
      `At most ${ATTRIBUTION_MAX_CHANNELS} distinct channels per request (found ${channels}); group rare channels first.`,
    );
  }
  if (options.data.models.includes("markov")) {
    const states = countMarkovStates(paths, options.data.order);
    if (states > MARKOV_MAX_STATES) {
      throw new ApiError(
        413,
        "too_many_states",
        `The order-${options.data.order} Markov chain has ${states} states; at most ${MARKOV_MAX_STATES}. ` +
          "Lower the order or group channels.",
      );
    }
  }
  const result = attribute(paths, {
    models: options.data.models as ModelName[],
    order: options.data.order,
    halfLifeDays: options.data.half_life_days,
    valueMethod: options.data.value_method,
  });
  return c.json({ ...rounded(result), rejected }, 200);
});
