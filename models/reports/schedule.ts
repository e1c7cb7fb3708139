// When a report is due, in the subscriber's time zone: daily (yesterday), weekly on a chosen
// weekday (the seven days before it), monthly on the 1st (the month before). Pure.
import { addDays, localDay, localTime } from "../../core/time";

export const FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Schedule {
  frequency: Frequency;
  /** ISO weekday for weekly reports: 1 Monday .. 7 Sunday. */
  weekday: number | null;
  hour: number;
  timezone: string;
  createdAt: number;
}

export interface Period {
  /** Identifies the period in the send log: `daily:2026-11-27..2026-11-27`. */
  key: string;
  from: string;
  to: string;
  /** When this period's report was due. */
  sendAt: number;
}

export const isoWeekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() || 7;

/** The local send time on `day`, also on days when the clocks change. */
const sendTime = (day: string, s: Schedule) => localTime(day, s.hour, s.timezone);

export const periodKey = (frequency: Frequency, from: string, to: string) => `${frequency}:${from}..${to}`;

export function periodFromKey(key: string): { frequency: Frequency; from: string; to: string } | null {
  const m = /^(daily|weekly|monthly):(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(key);
  return m ? { frequency: m[1] as Frequency, from: m[2]!, to: m[3]! } : null;
}

/**
 * The latest period whose send time has passed, or null when that time came before the
 * subscription existed (a new subscription waits for its first boundary, it does not back-fill).
 */
export function duePeriod(s: Schedule, now: number): Period | null {
  const today = localDay(now, s.timezone);
  let sendDay: string | undefined;
  if (s.frequency === "daily") {
    sendDay = now >= sendTime(today, s) ? today : addDays(today, -1);
  } else if (s.frequency === "weekly") {
    for (let back = 0; back <= 7 && !sendDay; back++) {
      const day = addDays(today, -back);
      if (isoWeekday(day) === s.weekday && sendTime(day, s) <= now) sendDay = day;
    }
  } else {
    const first = `${today.slice(0, 7)}-01`;
    sendDay = sendTime(first, s) <= now ? first : `${addDays(first, -1).slice(0, 7)}-01`;
  }
  if (!sendDay) return null;
  const to = addDays(sendDay, -1);
  const from = s.frequency === "daily" ? to : s.frequency === "weekly" ? addDays(sendDay, -7) : `${to.slice(0, 7)}-01`;
  const sendAt = sendTime(sendDay, s);
  if (sendAt < s.createdAt) return null;
  return { key: periodKey(s.frequency, from, to), from, to, sendAt };
}
