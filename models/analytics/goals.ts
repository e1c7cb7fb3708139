// Goals: what counts as a conversion. A page-path pattern, a custom event (with property
// filters), a sign-up or a purchase. Funnel steps, journey anchors and retention are built from
// these, so "did this event reach the goal" is decided here once.
import { type AnalyticsEvent, type PropValue, propsOf } from "./events";

export type FilterOperator = "is" | "is_not" | "contains" | "matches";

/**
 * A condition on one event property (PostHog's operators):
 * - `is`: the property is present and equal to `value` (numbers compare as numbers, anything
 *   else as its string form: `true` is "true").
 * - `is_not`: not `is`; an event without the property passes (PostHog's "is not" does too).
 * - `contains`: the property's string form contains `value`, case-insensitive.
 * - `matches`: the property's string form matches the regular expression `value` (JavaScript
 *   syntax, unanchored: add ^ and $ to match the whole value).
 */
export interface PropertyFilter {
  key: string;
  operator: FilterOperator;
  value: string | number | boolean;
}

/**
 * - `page`: a page view whose path matches `path`. `*` stands for any run of characters, `/`
 *   included (`/courses/*` matches `/courses/a` and `/courses/a/lesson/2`, not `/courses`);
 *   anything else must match exactly. A trailing slash is ignored on both sides.
 * - `event`: an event named `name` (custom events carry names) whose properties pass every filter.
 * - `signup`: a sign-up event.
 * - `purchase`: a purchase, at least `minRevenueMinor` when given; its revenue is the goal's value.
 * `label` is for display only.
 */
export type Goal =
  | { kind: "page"; path: string; label?: string }
  | { kind: "event"; name: string; filters?: PropertyFilter[]; label?: string }
  | { kind: "signup"; label?: string }
  | { kind: "purchase"; minRevenueMinor?: number; label?: string };

export type GoalMatcher = (event: AnalyticsEvent) => boolean;

/** "/courses/" -> "/courses"; the root stays "/". */
export function normalisePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** A page pattern as an anchored regular expression: `*` is `.*`, everything else literal. */
export function pathPattern(pattern: string): RegExp {
  const body = normalisePath(pattern)
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

function text(value: PropValue): string {
  return value === null ? "" : String(value);
}

function filterMatcher(filter: PropertyFilter): (props: Record<string, PropValue>) => boolean {
  const { key, operator, value } = filter;
  const present = (props: Record<string, PropValue>) => Object.hasOwn(props, key) && props[key] !== null;
  const equal = (actual: PropValue) =>
    typeof actual === "number" && typeof value === "number" ? actual === value : text(actual) === text(value);
  switch (operator) {
    case "is":
      return (props) => present(props) && equal(props[key]!);
    case "is_not":
      return (props) => !present(props) || !equal(props[key]!);
    case "contains": {
      const needle = text(value).toLowerCase();
      return (props) => present(props) && text(props[key]!).toLowerCase().includes(needle);
    }
    case "matches": {
      const re = new RegExp(text(value));
      return (props) => present(props) && re.test(text(props[key]!));
    }
  }
}

/** Builds a goal's test once (patterns and regular expressions compiled here, not per event). */
export function compileGoal(goal: Goal): GoalMatcher {
  switch (goal.kind) {
    case "page": {
      const re = pathPattern(goal.path);
      return (e) => e.type === "pageview" && e.path !== null && re.test(normalisePath(e.path));
    }
    case "event": {
      const filters = (goal.filters ?? []).map(filterMatcher);
      return (e) => e.name === goal.name && (filters.length === 0 || filters.every((f) => f(propsOf(e))));
    }
    case "signup":
      return (e) => e.type === "signup";
    case "purchase": {
      const min = goal.minRevenueMinor ?? 0;
      return (e) => e.type === "purchase" && (min <= 0 || (e.revenueMinor ?? 0) >= min);
    }
  }
}

const compiled = new WeakMap<Goal, GoalMatcher>();

/** Whether an event reaches a goal. Compiles the goal on first use and keeps it for that (unchanged) goal object. */
export function matchesGoal(goal: Goal, event: AnalyticsEvent): boolean {
  let matcher = compiled.get(goal);
  if (!matcher) compiled.set(goal, (matcher = compileGoal(goal)));
  return matcher(event);
}

/** What the event is worth toward the goal: a purchase's revenue, 0 for every other goal. */
export function goalValueMinor(goal: Goal, event: AnalyticsEvent): number {
  return goal.kind === "purchase" ? (event.revenueMinor ?? 0) : 0;
}

export function goalLabel(goal: Goal): string {
  if (goal.label) return goal.label;
  switch (goal.kind) {
    case "page":
      return goal.path;
    case "event":
      return goal.name;
    case "signup":
      return "Sign-up";
    case "purchase":
      return "Purchase";
  }
}

/**
 * Problems a request's goal has that a schema cannot see (a regular expression that does not
 * compile, an empty pattern), as {path, message} issues for the error envelope; [] when fine.
 */
export function goalIssues(goal: Goal, at = "goal"): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (goal.kind === "page" && !goal.path.startsWith("/") && !goal.path.startsWith("*"))
    issues.push({ path: `${at}.path`, message: "A page pattern starts with / or *." });
  if (goal.kind === "event") {
    if (goal.name.trim() === "") issues.push({ path: `${at}.name`, message: "An event goal needs a name." });
    (goal.filters ?? []).forEach((f, i) => {
      if (f.operator !== "matches") return;
      try {
        new RegExp(text(f.value));
      } catch (error) {
        issues.push({ path: `${at}.filters.${i}.value`, message: `Not a regular expression: ${String(error)}` });
      }
    });
  }
  return issues;
}
