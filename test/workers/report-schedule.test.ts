// When reports are due, in the subscriber's time zone; MIME and SMTP framing details. Pure.
import { describe, expect, it } from "vitest";
import { buildMime, encodeHeader } from "../../jobs/reports/mime";
import { dotStuff } from "../../jobs/reports/smtp";
import { duePeriod, periodFromKey, type Schedule } from "../../models/reports/schedule";

const at = (iso: string) => Date.parse(iso);
const sub = (s: Partial<Schedule>): Schedule => ({
  frequency: "daily",
  weekday: null,
  hour: 8,
  timezone: "UTC",
  createdAt: 0,
  ...s,
});
const range = (p: ReturnType<typeof duePeriod>) => (p ? `${p.from}..${p.to}` : null);

describe("due periods", () => {
  it("daily: yesterday, once the local hour has come", () => {
    const shanghai = sub({ timezone: "Asia/Shanghai" });
    expect(range(duePeriod(shanghai, at("2026-11-28T00:30:00Z")))).toBe("2026-11-27..2026-11-27"); // 08:30 local
    expect(range(duePeriod(shanghai, at("2026-11-27T23:30:00Z")))).toBe("2026-11-26..2026-11-26"); // 07:30 local
    expect(duePeriod(shanghai, at("2026-11-28T00:30:00Z"))!.sendAt).toBe(at("2026-11-28T00:00:00Z"));
  });

  it("keeps the local hour on the days the clocks change", () => {
    const newYork = sub({ timezone: "America/New_York" });
    // 2026-03-08: clocks go forward at 02:00, so 08:00 local is 12:00 UTC (13:00 the day before).
    expect(duePeriod(newYork, at("2026-03-08T12:30:00Z"))!.sendAt).toBe(at("2026-03-08T12:00:00Z"));
    expect(duePeriod(newYork, at("2026-03-07T13:30:00Z"))!.sendAt).toBe(at("2026-03-07T13:00:00Z"));
    expect(range(duePeriod(newYork, at("2026-03-08T11:30:00Z")))).toBe("2026-03-06..2026-03-06"); // 07:30 local
  });

  it("weekly: the seven days before the chosen weekday", () => {
    const monday = sub({ frequency: "weekly", weekday: 1, hour: 9 });
    expect(range(duePeriod(monday, at("2026-11-30T10:00:00Z")))).toBe("2026-11-23..2026-11-29");
    expect(range(duePeriod(monday, at("2026-11-30T08:00:00Z")))).toBe("2026-11-16..2026-11-22");
    expect(range(duePeriod(monday, at("2026-12-03T12:00:00Z")))).toBe("2026-11-23..2026-11-29");
  });

  it("monthly: the month before, from the 1st", () => {
    const monthly = sub({ frequency: "monthly" });
    expect(range(duePeriod(monthly, at("2026-12-01T09:00:00Z")))).toBe("2026-11-01..2026-11-30");
    expect(range(duePeriod(monthly, at("2026-12-01T07:00:00Z")))).toBe("2026-10-01..2026-10-31");
    expect(range(duePeriod(monthly, at("2027-03-15T00:00:00Z")))).toBe("2027-02-01..2027-02-28");
  });

  it("never back-fills a period that was due before the subscription existed", () => {
    const fresh = sub({ createdAt: at("2026-11-28T10:00:00Z") });
    expect(duePeriod(fresh, at("2026-11-28T12:00:00Z"))).toBeNull();
    expect(range(duePeriod(fresh, at("2026-11-29T08:00:00Z")))).toBe("2026-11-28..2026-11-28");
  });

  it("period keys round-trip, and nothing else parses as one", () => {
    const p = duePeriod(sub({}), at("2026-11-28T09:00:00Z"))!;
    expect(periodFromKey(p.key)).toEqual({ frequency: "daily", from: p.from, to: p.to });
    expect(periodFromKey("test:1764000000000")).toBeNull();
    expect(periodFromKey("alert:2026-11-28")).toBeNull();
  });
});

describe("message framing", () => {
  it("dot-stuffs lines that start with a dot and uses CRLF", () => {
    expect(dotStuff("a\n.b\n..c\r\nd")).toBe("a\r\n..b\r\n...c\r\nd");
  });

  it("encodes non-ASCII headers and keeps every line within 998 characters", () => {
    expect(encodeHeader("ROI")).toBe("ROI");
    expect(encodeHeader("ROI 周报")).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    const { raw } = buildMime({
      from: { address: "r@example.com" },
      to: "a@example.com",
      subject: "s",
      text: "x".repeat(5000),
      html: `<p>${"y".repeat(5000)}</p>`,
      images: [{ cid: "c", filename: "c.png", content: new Uint8Array(4000) }],
    });
    expect(Math.max(...raw.split("\r\n").map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(raw).toContain("Content-ID: <c>");
  });
});
