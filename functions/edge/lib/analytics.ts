// Shared by the behaviour-analytics routes (goals, funnels, retention, journeys, segments): the
// goal shapes the API takes and returns, a step or anchor given by goal id or inline, the date
// range in the site's local days, and the refusals of reads past their caps.
import type { SiteDatabase } from "../../../schema/databases";
import { z } from "@hono/zod-openapi";
import { MAX_MONEY_AMOUNT, toMajor, toMinor } from "../../../core/money";
import { addDays, DAY_MS, dayStart, localDay } from "../../../core/time";
import { type Goal as ModelGoal, goalIssues } from "../../../models/analytics/goals";
import { TooManyRowsError } from "../../../jobs/analytics/read";
import { MAX_ANALYSIS_DAYS } from "../../../schema/limits";
import { getGoals } from "../../../schema/queries/goals";
import type { SiteScope } from "../../../schema/queries/scope";
import type { SiteRow } from "../../../schema/queries/sites";
import { ApiError, type Issue } from "../../shared/errors";

const PropertyFilter = z
  .object({
    key: z.string().min(1).max(64),
    operator: z.enum(["is", "is_not", "contains", "matches"]),
    value: z.union([z.string().max(500), z.number(), z.boolean()]),
  })
  .openapi("PropertyFilter", {
    description:
      "is / is_not: equal (numbers as numbers, else as text; is_not passes events without the property); " +
      "contains: case-insensitive substring; matches: a JavaScript regular expression, unanchored.",
  });

/** The four goal kinds, each with `extra` fields (a goal's name, a step's label). */
function goalKinds<S extends z.ZodRawShape>(extra: S) {
  return [
    z.object({
      kind: z.literal("page"),
      path: z.string().trim().min(1).max(512).openapi({
        description: "A page path; `*` matches any characters, `/` included (`/courses/*`). A trailing / is ignored.",
        example: "/courses/*",
      }),
      ...extra,
    }),
    z.object({
      kind: z.literal("event"),
      event_name: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .openapi({ description: "A custom event's name.", example: "lesson_complete" }),
      filters: z.array(PropertyFilter).max(10).optional().openapi({ description: "Every filter must pass." }),
      ...extra,
    }),
    z.object({ kind: z.literal("signup"), ...extra }),
    z.object({
      kind: z.literal("purchase"),
      min_revenue: z.number().positive().max(MAX_MONEY_AMOUNT).optional().openapi({
        description: "Only purchases worth at least this much (major units of the site's currency, after conversion).",
      }),
      ...extra,
    }),
  ] as const;
}

export const GoalInput = z
  .discriminatedUnion("kind", goalKinds({ name: z.string().trim().min(1).max(100) }))
  .openapi("GoalInput");
export type GoalInput = z.infer<typeof GoalInput>;

export const Goal = z
  .discriminatedUnion(
    "kind",
    goalKinds({
      id: z.string(),
      name: z.string(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
  )
  .openapi("Goal");

const InlineGoal = z.discriminatedUnion("kind", goalKinds({ label: z.string().trim().min(1).max(100).optional() }));

/** A funnel step or journey anchor: a saved goal by id, or a goal given inline. */
export const GoalRef = z.union([z.object({ goal_id: z.string().min(1).max(64) }), InlineGoal]).openapi("GoalRef", {
  description: '`{"goal_id": ...}` of a saved goal, or a goal inline (kind page, event, signup or purchase).',
});
export type GoalRef = z.infer<typeof GoalRef>;

/** A goal as the API writes it -> as the models read it (money to minor units of the site's currency). */
export function toGoal(g: z.infer<typeof InlineGoal> | GoalInput, currency: string, label?: string): ModelGoal {
  const named = label ?? ("label" in g ? g.label : undefined);
  const tag = named ? { label: named } : {};
  switch (g.kind) {
    case "page":
      return { kind: "page", path: g.path, ...tag };
    case "event":
      return { kind: "event", name: g.event_name, ...(g.filters?.length && { filters: g.filters }), ...tag };
    case "signup":
      return { kind: "signup", ...tag };
    case "purchase":
      return {
        kind: "purchase",
        ...(g.min_revenue !== undefined && { minRevenueMinor: toMinor(g.min_revenue, currency) }),
        ...tag,
      };
  }
}

/** The API's view of a stored goal's definition. */
export function goalFields(goal: ModelGoal, currency: string) {
  switch (goal.kind) {
    case "page":
      return { kind: goal.kind, path: goal.path };
    case "event":
      return { kind: goal.kind, event_name: goal.name, ...(goal.filters && { filters: goal.filters }) };
    case "signup":
      return { kind: goal.kind };
    case "purchase":
      return {
        kind: goal.kind,
        ...(goal.minRevenueMinor !== undefined && { min_revenue: toMajor(goal.minRevenueMinor, currency) }),
      };
  }
}

/** Problems a schema cannot see (a regular expression that does not compile...), as a 400. */
export function assertGoal(goal: ModelGoal, at: string): void {
  const issues = goalIssues(goal, at).map((i) => ({ ...i, path: i.path.replace(/^\./, "") }));
  if (issues.length) throw new ApiError(400, "validation_failed", "The goal is not valid.", issues);
}

/**
 * Steps or anchors as goals: saved ones looked up in the site. An unknown id is a 400 naming the
 * field, `at(i)` (e.g. "steps.2"), whose goal_id it was.
 */
export async function resolveGoals(
  db: SiteDatabase,
  scope: SiteScope,
  site: SiteRow,
  refs: GoalRef[],
  at: (i: number) => string,
) {
  const ids = refs.flatMap((r) => ("goal_id" in r ? [r.goal_id] : []));
  const saved = new Map((await getGoals(db, scope, [...new Set(ids)])).map((g) => [g.id, g]));
  const issues: Issue[] = [];
  const goals = refs.map((r, i): ModelGoal => {
    if (!("goal_id" in r)) return toGoal(r, site.currency);
    const row = saved.get(r.goal_id);
    if (!row) issues.push({ path: `${at(i)}.goal_id`, message: `No goal ${r.goal_id} in this site.` });
    return row ? { ...row.definition, label: row.name } : { kind: "signup" };
  });
  if (issues.length) throw new ApiError(400, "validation_failed", "Unknown goal.", issues);
  goals.forEach((g, i) => assertGoal(g, at(i)));
  return goals;
}

export const Day = z.iso
  .date()
  .openapi({ description: "A local day of the site (its time zone), YYYY-MM-DD.", example: "2026-11-01" });

export const DateRange = z
  .object({ from: Day, to: Day.openapi({ description: "The last day, inclusive." }) })
  .openapi("DateRange", {
    description: `Local days of the site, both inclusive, at most ${MAX_ANALYSIS_DAYS} days. Default: the last 30 days, today included.`,
  });

export interface LocalRange {
  days: { from: string; to: string };
  /** [from, to) in epoch ms. */
  range: { from: number; to: number };
}

/** The request's range (or the last 30 days) in the site's zone, refused when empty or too long. */
export function localRange(site: SiteRow, given?: { from: string; to: string }): LocalRange {
  const to = given?.to ?? localDay(Date.now(), site.timezone);
  const from = given?.from ?? addDays(to, -29);
  if (from > to)
    throw new ApiError(400, "validation_failed", "The range is empty.", [
      { path: "date_range.from", message: "Must not be after `to`." },
    ]);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days > MAX_ANALYSIS_DAYS)
    throw new ApiError(400, "validation_failed", "The range is too long.", [
      { path: "date_range", message: `${days} days; at most ${MAX_ANALYSIS_DAYS}.` },
    ]);
  return {
    days: { from, to },
    range: { from: dayStart(from, site.timezone), to: dayStart(addDays(to, 1), site.timezone) },
  };
}

/** Runs an analysis; a read past its cap becomes a 400 that says how much narrower to go. */
export async function withinCaps<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof TooManyRowsError)) throw error;
    throw new ApiError(400, "too_much_data", "The request would read more rows than one analysis may.", [
      { path: "date_range", message: `${error.message} Narrow the date range.` },
    ]);
  }
}

/** Shared response parts. */
export const RangeOut = z.object({ from: z.string(), to: z.string() });
export const Notes = z
  .array(z.string())
  .openapi({ description: "What to know about the figures (e.g. missing exchange rates)." });
