// Funnels: of the visitors who reached step 1, how many went on to step 2, 3, ... within a
// conversion window, in order. Per step: visitors, conversion from the previous and the first
// step, drop-off, and the median time from the previous step; optionally broken down by where
// the visitor's counted first step came from.
import { type AnalyticsEvent, MEASUREMENT_TYPES, byVisitor, median, ratio } from "./events";
import { type Goal, compileGoal, goalLabel } from "./goals";

export const FUNNEL_MIN_STEPS = 2;
export const FUNNEL_MAX_STEPS = 8;

/**
 * - `sequential`: the steps happen in this order; any other events may come between them.
 * - `strict`: PostHog's "strict order": each step must be the visitor's very next event after the
 *   previous step, with no other event of that visitor between them. "Event" means every event
 *   the route passed in (not only those matching a step), except measurement events
 *   (MEASUREMENT_TYPES: an engagement ping reports time on the page before it, it is not a
 *   step the visitor took). Events at the same millisecond keep their input order. So for strict
 *   order a route passes all of a visitor's events in the period, not only those matching a step.
 */
export type FunnelOrder = "sequential" | "strict";

/** Properties of the counted attempt's step-1 event that a funnel can be broken down by. */
export type FunnelBreakdown = "channel" | "source" | "campaign" | "device";

export interface FunnelQuery {
  /** 2 to 8 steps; each is a goal (a page pattern, an event with filters, a sign-up, a purchase). */
  steps: Goal[];
  /** Every later step must happen at most this many ms after the attempt's step 1 (inclusive). */
  windowMs: number;
  order: FunnelOrder;
  breakdown?: FunnelBreakdown;
  /** Breakdown values kept by step-1 visitors (the rest share OTHER); default 20. */
  breakdownLimit?: number;
}

/** The attempt counted for one visitor: how far it got and when it reached each step. */
export interface FunnelAttempt {
  /** Steps reached, 1..steps.length. */
  reached: number;
  /** ts of each step reached (length = reached). */
  times: number[];
  /** The event that started the attempt (step 1): its channel, source... give the breakdown. */
  first: AnalyticsEvent;
}

export interface FunnelStepResult {
  index: number;
  label: string;
  /** Visitors whose counted attempt reached this step. */
  visitors: number;
  /** visitors / visitors of the previous step (1 for step 1; null when the previous had none). */
  conversionFromPrevious: number | null;
  /** visitors / visitors of step 1 (null when step 1 had none). */
  conversionFromFirst: number | null;
  /** Visitors of the previous step who did not reach this one (0 for step 1). */
  dropOff: number;
  dropOffRate: number | null;
  /** Median over those who reached this step of (ts here − ts at the previous step); null for step 1. */
  medianTimeFromPreviousMs: number | null;
}

export interface FunnelResult {
  steps: FunnelStepResult[];
  /** Per breakdown value, the same steps; null without a breakdown. Most step-1 visitors first. */
  breakdown: { value: string; steps: FunnelStepResult[] }[] | null;
}

/** The breakdown bucket for a missing or empty value, and for values past the limit. */
export const NONE = "(none)";
export const OTHER = "(other)";

export function checkFunnelQuery(query: FunnelQuery): void {
  const n = query.steps.length;
  if (n < FUNNEL_MIN_STEPS || n > FUNNEL_MAX_STEPS)
    throw new RangeError(`A funnel has ${FUNNEL_MIN_STEPS} to ${FUNNEL_MAX_STEPS} steps, not ${n}.`);
  if (!(query.windowMs > 0) || !Number.isFinite(query.windowMs))
    throw new RangeError("The conversion window is a positive number of milliseconds.");
}

/**
 * Which attempt counts for each visitor. Every step-1 event starts an attempt; from it the later
 * steps are matched greedily (the earliest event that fits each next step: for `sequential` this
 * reaches as far as any choice could, and soonest), each event standing for at most one step.
 * The visitor's counted attempt is the one reaching the furthest step, and of those the
 * earliest started (PostHog's rule). So a visitor counts once per step, and a later, shorter
 * try never hides an earlier one that went further.
 */
export function funnelAttempts(events: readonly AnalyticsEvent[], query: FunnelQuery): Map<string, FunnelAttempt> {
  checkFunnelQuery(query);
  const matchers = query.steps.map(compileGoal);
  const n = matchers.length;
  const out = new Map<string, FunnelAttempt>();
  for (const [visitor, all] of byVisitor(events)) {
    const stream = all.filter((e) => !MEASUREMENT_TYPES.has(e.type));
    // hit[k][i]: event i matches step k (computed once, read by every attempt).
    const hit = matchers.map((m) => stream.map((e) => m(e)));
    let best: FunnelAttempt | undefined;
    for (let i = 0; i < stream.length; i++) {
      if (!hit[0]![i]) continue;
      const t0 = stream[i]!.ts;
      const times = [t0];
      for (let j = i + 1; j < stream.length && times.length < n; j++) {
        const e = stream[j]!;
        if (e.ts - t0 > query.windowMs) break;
        if (hit[times.length]![j]) times.push(e.ts);
        else if (query.order === "strict") break;
      }
      if (!best || times.length > best.reached) best = { reached: times.length, times, first: stream[i]! };
      if (best.reached === n) break; // later attempts can at most tie, and ties go to the earliest
    }
    if (best) out.set(visitor, best);
  }
  return out;
}

function summarise(attempts: Iterable<FunnelAttempt>, labels: string[]): FunnelStepResult[] {
  const visitors = labels.map(() => 0);
  const gaps: number[][] = labels.map(() => []);
  for (const a of attempts)
    for (let k = 0; k < a.reached; k++) {
      visitors[k]!++;
      if (k > 0) gaps[k]!.push(a.times[k]! - a.times[k - 1]!);
    }
  return labels.map((label, k) => {
    const previous = k === 0 ? visitors[0]! : visitors[k - 1]!;
    const dropOff = previous - visitors[k]!;
    return {
      index: k,
      label,
      visitors: visitors[k]!,
      conversionFromPrevious: ratio(visitors[k]!, previous),
      conversionFromFirst: ratio(visitors[k]!, visitors[0]!),
      dropOff,
      dropOffRate: ratio(dropOff, previous),
      medianTimeFromPreviousMs: k === 0 ? null : median(gaps[k]!),
    };
  });
}

export function funnel(events: readonly AnalyticsEvent[], query: FunnelQuery): FunnelResult {
  const attempts = funnelAttempts(events, query);
  const labels = query.steps.map(goalLabel);
  const steps = summarise(attempts.values(), labels);
  if (!query.breakdown) return { steps, breakdown: null };

  const key = query.breakdown;
  const groups = new Map<string, FunnelAttempt[]>();
  for (const a of attempts.values()) {
    const value = a.first[key] || NONE;
    const list = groups.get(value);
    if (list) list.push(a);
    else groups.set(value, [a]);
  }
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const limit = query.breakdownLimit ?? 20;
  const kept = ranked.slice(0, limit);
  const rest = ranked.slice(limit).flatMap(([, list]) => list);
  if (rest.length) kept.push([OTHER, rest]);
  return { steps, breakdown: kept.map(([value, list]) => ({ value, steps: summarise(list, labels) })) };
}
