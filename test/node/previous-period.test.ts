// The one previous-period definition (core/time.ts): as many local calendar days as the range,
// ending the day before `from`, across month ends and DST changes in the site's time zone.
import { describe, expect, it } from "vitest";
import { addDays, DAY_MS, dayStart, daysBetween, localDay, previousPeriod } from "../../core/time";

const NEW_YORK = "America/New_York";

/** The previous period must tile the local calendar: same day count, ending the local day before `from`. */
function expectAdjacent(from: string, to: string, timeZone: string) {
  const previous = previousPeriod(from, to);
  expect(daysBetween(previous.from, previous.to)).toHaveLength(daysBetween(from, to).length);
  // The instant the current range starts is the instant the previous one ends: no gap, no overlap.
  expect(dayStart(addDays(previous.to, 1), timeZone)).toBe(dayStart(from, timeZone));
  expect(localDay(dayStart(from, timeZone) - 1, timeZone)).toBe(previous.to);
  return previous;
}

describe("previousPeriod", () => {
  it("has the same number of days and ends the day before `from`", () => {
    expect(previousPeriod("2026-11-10", "2026-11-11")).toEqual({ from: "2026-11-08", to: "2026-11-09" });
    expect(previousPeriod("2026-11-10", "2026-11-10")).toEqual({ from: "2026-11-09", to: "2026-11-09" });
  });

  it("crosses month and year ends by calendar days, whatever the months' lengths", () => {
    // March has 31 days: the previous 31 days run back through all of February (28 days in 2026).
    expect(previousPeriod("2026-03-01", "2026-03-31")).toEqual({ from: "2026-01-29", to: "2026-02-28" });
    expect(previousPeriod("2026-02-01", "2026-02-28")).toEqual({ from: "2026-01-04", to: "2026-01-31" });
    expect(previousPeriod("2027-01-01", "2027-01-07")).toEqual({ from: "2026-12-25", to: "2026-12-31" });
    expect(previousPeriod("2024-03-01", "2024-03-07")).toEqual({ from: "2024-02-23", to: "2024-02-29" }); // leap day
  });

  it("counts local days across DST changes in America/New_York", () => {
    // Clocks spring forward on 2026-03-08: the week 03-05..03-11 is 7 local days but only 167 hours.
    const from = "2026-03-05";
    const to = "2026-03-11";
    expect((dayStart(addDays(to, 1), NEW_YORK) - dayStart(from, NEW_YORK)) / DAY_MS).toBeCloseTo(7 - 1 / 24, 10);
    expect(expectAdjacent(from, to, NEW_YORK)).toEqual({ from: "2026-02-26", to: "2026-03-04" });
    // The previous period itself crosses the change (and a month end): still 7 local days.
    expect(expectAdjacent("2026-03-12", "2026-03-18", NEW_YORK)).toEqual({ from: "2026-03-05", to: "2026-03-11" });
    // Clocks fall back on 2026-11-01 (a 25-hour day).
    expect(expectAdjacent("2026-10-29", "2026-11-04", NEW_YORK)).toEqual({ from: "2026-10-22", to: "2026-10-28" });
    expect(expectAdjacent("2026-11-05", "2026-11-11", NEW_YORK)).toEqual({ from: "2026-10-29", to: "2026-11-04" });
    // A whole month with a DST change in it.
    expect(expectAdjacent("2026-04-01", "2026-04-30", NEW_YORK)).toEqual({ from: "2026-03-02", to: "2026-03-31" });
  });
});
