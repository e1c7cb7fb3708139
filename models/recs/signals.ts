// What captured events say about a learner and a course. One mapping, used when training (from
// a site's whole event log) and when serving (from one learner's recent events).

/** The columns of `events` the recommenders read. */
export interface EventRow {
  user: string;
  type: string;
  name: string | null;
  ts: number;
  items: string | null;
  props: string | null;
  order_id: string | null;
  engaged_ms: number | null;
}

/** Interest per signal. A purchase outweighs many views; a refund takes the purchase back. */
export const SIGNAL_WEIGHTS = {
  view: 1,
  click: 1,
  lesson_complete: 2,
  add_to_cart: 3,
  purchase: 5,
  refund: -5,
  /** Engagement on a course page, per minute, capped at `engagedCapMinutes`. */
  engagedPerMinute: 0.5,
  engagedCapMinutes: 4,
} as const;

export interface Signal {
  user: string;
  item: string;
  ts: number;
  kind: "view" | "click" | "lesson_complete" | "add_to_cart" | "engaged" | "purchase" | "refund";
  weight: number;
}

function parse(json: string | null): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Item ids an event is about: its `items` lines, else `props.item_id`. */
export function itemsOf(event: Pick<EventRow, "items" | "props">): string[] {
  const lines = parse(event.items);
  if (Array.isArray(lines)) {
    const ids = lines.map((line) => (line as { id?: unknown })?.id).filter((id) => typeof id === "string");
    if (ids.length) return ids as string[];
  }
  const props = parse(event.props) as Record<string, unknown> | undefined;
  const id = props?.item_id;
  return typeof id === "string" && id !== "" ? [id] : typeof id === "number" ? [String(id)] : [];
}

function kindOf(event: EventRow): Signal["kind"] | null {
  switch (event.type) {
    case "purchase":
      return "purchase";
    case "refund":
      return "refund";
    case "pageview":
      return "view";
    case "click":
      return "click";
    case "engagement":
      return "engaged";
    case "custom":
      if (event.name === "add_to_cart") return "add_to_cart";
      if (event.name === "lesson_complete") return "lesson_complete";
      if (event.name === "view_item") return "view";
      return null;
    default:
      return null;
  }
}

/**
 * Signals from events, oldest first. A refund counts against the learner who made the purchase
 * (payment back ends often refund without a user id), and one without item lines refunds every
 * item of its order.
 */
export function signalsOf(events: readonly EventRow[]): Signal[] {
  const orders = new Map<string, { user: string; items: string[] }>();
  const out: Signal[] = [];
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  for (const event of sorted) {
    const kind = kindOf(event);
    if (!kind) continue;
    let items = itemsOf(event);
    let user = event.user;
    if (kind === "purchase" && event.order_id) orders.set(event.order_id, { user, items });
    if (kind === "refund" && event.order_id) {
      const order = orders.get(event.order_id);
      if (order) {
        user = order.user;
        if (items.length === 0) items = order.items;
      }
    }
    let weight: number = SIGNAL_WEIGHTS[kind as Exclude<Signal["kind"], "engaged">] ?? 0;
    if (kind === "engaged") {
      const minutes = Math.min((event.engaged_ms ?? 0) / 60_000, SIGNAL_WEIGHTS.engagedCapMinutes);
      weight = minutes * SIGNAL_WEIGHTS.engagedPerMinute;
    }
    for (const item of new Set(items)) out.push({ user, item, ts: event.ts, kind, weight });
  }
  return out;
}

/** Items a learner owns now: bought, and not refunded since (a re-purchase after a refund owns again). */
export function ownedItems(signals: readonly Signal[]): Set<string> {
  const owned = new Set<string>();
  for (const s of signals) {
    if (s.kind === "purchase") owned.add(s.item);
    else if (s.kind === "refund") owned.delete(s.item);
  }
  return owned;
}
