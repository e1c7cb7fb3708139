// Small pure helpers of the partner pages: totals per commission status, and a site-local day range
// as the epoch-ms bounds the listing endpoints take (their ISO dates would be UTC days).
import { type Commission, COMMISSION_STATUSES, type CommissionStatus } from "../api/partner-types";

export type StatusTotals = Record<CommissionStatus, { orders: number; amount: number }>;

/** Orders and amount per status, summed in minor-unit-safe steps (cents as integers). */
export function byStatus(rows: readonly Pick<Commission, "status" | "amount">[]): StatusTotals {
  const out = Object.fromEntries(COMMISSION_STATUSES.map((s) => [s, { orders: 0, amount: 0 }])) as StatusTotals;
  const cents = Object.fromEntries(COMMISSION_STATUSES.map((s) => [s, 0])) as Record<CommissionStatus, number>;
  for (const r of rows) {
    out[r.status].orders += 1;
    cents[r.status] += Math.round(r.amount * 100);
  }
  for (const s of COMMISSION_STATUSES) out[s].amount = cents[s] / 100;
  return out;
}

/** Milliseconds the zone is ahead of UTC at instant `at`. */
function offsetAt(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return local - Math.floor(at / 1000) * 1000;
}

/** The instant local day `day` (YYYY-MM-DD) starts in `timeZone`. */
export function dayStart(day: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`);
  // Twice: the offset at the first guess may differ from the offset at the local midnight itself.
  let at = utcMidnight - offsetAt(utcMidnight, timeZone);
  at = utcMidnight - offsetAt(at, timeZone);
  return at;
}

/** `from`/`to` (inclusive local days) as the listing's [from, to) epoch ms. */
export function dayBounds(from: string, to: string, timeZone: string): { from: number; to: number } {
  const next = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: dayStart(from, timeZone), to: dayStart(next, timeZone) };
}
