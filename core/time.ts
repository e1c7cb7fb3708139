// Time: durations, UTC days, and local calendar days in a site's time zone with Intl (no date library needed).

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant in UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const formats = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): Record<string, number> {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, f);
  }
  return Object.fromEntries(
    f
      .formatToParts(ms)
      .filter((p) => p.type !== "literal")
      .map((p) => [p.type, Number(p.value)]),
  );
}

/** YYYY-MM-DD of an instant in a time zone. */
export function localDay(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** The time zone's offset from UTC at an instant, in ms (+28,800,000 for Asia/Shanghai). */
export function offsetMs(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local day starts (DST-safe: the offset is re-read at the guessed instant). */
export function dayStart(day: string, timeZone: string): number {
  return localTime(day, 0, timeZone);
}

/** The instant of `hour`:00 local time on `day` (DST-safe, as dayStart; a skipped hour maps past the gap). */
export function localTime(day: string, hour: number, timeZone: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wallUtc = Date.UTC(y, m - 1, d, hour);
  let guess = wallUtc - offsetMs(wallUtc, timeZone);
  guess = wallUtc - offsetMs(guess, timeZone);
  return guess;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The period a report compares [from, to] with: as many local calendar days, ending the day before
 * `from`. Counting calendar days (not milliseconds between instants) keeps a range across a DST
 * change or a month end the same length: 2026-03-01..2026-03-14 compares with 2026-02-15..2026-02-28.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to).length;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}
