// Journeys: the most common paths of pages and events out of an entry point or into a goal,
// per visit, as a Sankey diagram's nodes and links (d3-sankey and ECharts read this shape).
import { type AnalyticsEvent, MEASUREMENT_TYPES, SESSION_GAP_MS, byVisitor } from "./events";
import { type Goal, compileGoal, normalisePath } from "./goals";

export const JOURNEY_MAX_STEPS = 7;
/** The bucket of a step's names past the top N. */
export const OTHER_NODE = "(other)";

export interface JourneyQuery {
  /** `from`: paths starting at the anchor; `into`: paths ending at it. */
  direction: "from" | "into";
  /** The entry (a page pattern, say) or the goal; its first occurrence in a visit is used. */
  anchor: Goal;
  /** Steps shown, the anchor included: 2..7. */
  steps: number;
  /** Names kept per step, by paths through them; the rest become OTHER_NODE. */
  topN: number;
  /** Event types left out of paths. Default: measurement pings and clicks (which repeat the page they are on). */
  skipTypes?: readonly string[];
}

export interface SankeyNode {
  /** `${step}:${name}`: one node per name per step. */
  id: string;
  name: string;
  step: number;
  /** Paths through this node. */
  value: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  /** Paths going from source to target. */
  value: number;
}

export interface JourneyResult {
  nodes: SankeyNode[];
  links: SankeyLink[];
  /** The most common whole paths (before the top-N cut), at most topN of them. */
  paths: { steps: string[]; count: number }[];
  /** Visits that reached the anchor. */
  total: number;
}

/** Event types journeys leave out unless told otherwise (a route reading for a journey can skip them too). */
export const JOURNEY_SKIP_TYPES: readonly string[] = [...MEASUREMENT_TYPES, "click"];

/** A step's name: a page view's path, a custom event's name, otherwise the event type (signup, purchase). */
export function stepName(e: AnalyticsEvent): string {
  if (e.type === "pageview") return normalisePath(e.path ?? "/");
  if (e.type === "custom" && e.name) return e.name;
  return e.type;
}

/** Visits: by session id when events carry one, else a visitor's events split at SESSION_GAP_MS of silence. */
export function visits(events: readonly AnalyticsEvent[]): AnalyticsEvent[][] {
  const out: AnalyticsEvent[][] = [];
  for (const list of byVisitor(events).values()) {
    const bySession = new Map<string, AnalyticsEvent[]>();
    let current: AnalyticsEvent[] | undefined;
    let previous = -Infinity;
    for (const e of list) {
      if (e.sessionId) {
        const s = bySession.get(e.sessionId);
        if (s) s.push(e);
        else bySession.set(e.sessionId, [e]);
        continue;
      }
      if (!current || e.ts - previous > SESSION_GAP_MS) out.push((current = []));
      current.push(e);
      previous = e.ts;
    }
    out.push(...bySession.values());
  }
  return out;
}

export function journeys(events: readonly AnalyticsEvent[], query: JourneyQuery): JourneyResult {
  const { steps, topN } = query;
  if (!Number.isInteger(steps) || steps < 2 || steps > JOURNEY_MAX_STEPS)
    throw new RangeError(`A journey shows 2 to ${JOURNEY_MAX_STEPS} steps.`);
  if (!Number.isInteger(topN) || topN < 1) throw new RangeError("topN is a whole number of at least 1.");
  const skip = new Set(query.skipTypes ?? JOURNEY_SKIP_TYPES);
  const isAnchor = compileGoal(query.anchor);

  const paths: string[][] = [];
  for (const visit of visits(events)) {
    // Consecutive repeats collapse into one step; the step is the anchor if any event in it is.
    const names: string[] = [];
    const anchors: boolean[] = [];
    for (const e of visit) {
      if (skip.has(e.type)) continue;
      const name = stepName(e);
      const hit = isAnchor(e);
      if (names.at(-1) === name) anchors[anchors.length - 1] ||= hit;
      else {
        names.push(name);
        anchors.push(hit);
      }
    }
    const at = anchors.indexOf(true);
    if (at < 0) continue;
    paths.push(
      query.direction === "from" ? names.slice(at, at + steps) : names.slice(Math.max(0, at - steps + 1), at + 1),
    );
  }

  // `into` paths are aligned on the goal: it sits at the last step, shorter paths start later.
  const longest = paths.reduce((m, p) => Math.max(m, p.length), 0);
  const stepOf = (path: string[], i: number) => (query.direction === "from" ? i : longest - path.length + i);

  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const perStep = new Map<number, Map<string, number>>();
  for (const path of paths)
    path.forEach((name, i) => {
      const step = stepOf(path, i);
      const counts = perStep.get(step) ?? new Map<string, number>();
      counts.set(name, (counts.get(name) ?? 0) + 1);
      perStep.set(step, counts);
    });
  const byCount = (a: [string, number], b: [string, number]) => b[1] - a[1] || byName(a[0], b[0]);
  const kept = new Map<number, Set<string>>();
  for (const [step, counts] of perStep)
    kept.set(
      step,
      new Set(
        [...counts.entries()]
          .sort(byCount)
          .slice(0, topN)
          .map(([name]) => name),
      ),
    );

  const nodes = new Map<string, SankeyNode>();
  const links = new Map<string, SankeyLink>();
  for (const path of paths) {
    let previous: string | undefined;
    path.forEach((raw, i) => {
      const step = stepOf(path, i);
      const name = kept.get(step)!.has(raw) ? raw : OTHER_NODE;
      const id = `${step}:${name}`;
      const node = nodes.get(id) ?? { id, name, step, value: 0 };
      node.value++;
      nodes.set(id, node);
      if (previous !== undefined) {
        const key = `${previous}\n${id}`;
        const link = links.get(key) ?? { source: previous, target: id, value: 0 };
        link.value++;
        links.set(key, link);
      }
      previous = id;
    });
  }

  const whole = new Map<string, { steps: string[]; count: number }>();
  for (const path of paths) {
    const key = path.join("\n");
    const entry = whole.get(key) ?? { steps: path, count: 0 };
    entry.count++;
    whole.set(key, entry);
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => a.step - b.step || b.value - a.value || byName(a.id, b.id)),
    links: [...links.values()].sort(
      (a, b) =>
        nodes.get(a.source)!.step - nodes.get(b.source)!.step ||
        b.value - a.value ||
        byName(a.source, b.source) ||
        byName(a.target, b.target),
    ),
    paths: [...whole.entries()]
      .sort((a, b) => b[1].count - a[1].count || byName(a[0], b[0]))
      .slice(0, topN)
      .map(([, p]) => p),
    total: paths.length,
  };
}
