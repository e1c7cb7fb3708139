// The local cron scheduler of `npm start`: its expression parser (UTC, as on Cloudflare), and the
// crons it reads from both wrangler configs.
import { describe, expect, it } from "vitest";
import { nextRun, parseCron, readCrons, schedule } from "../../scripts/cron.mjs";

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, from: string) => new Date(nextRun(parseCron(expr), at(from))!).toISOString();

describe("cron expressions", () => {
  it("fire at the times the product's crons name", () => {
    expect(next("*/15 * * * *", "2026-11-30T21:14:30Z")).toBe("2026-11-30T21:15:00.000Z");
    expect(next("*/15 * * * *", "2026-11-30T21:15:00Z")).toBe("2026-11-30T21:30:00.000Z");
    expect(next("7 * * * *", "2026-11-30T21:08:00Z")).toBe("2026-11-30T22:07:00.000Z");
    expect(next("17 3 * * *", "2026-11-30T21:08:00Z")).toBe("2026-12-01T03:17:00.000Z");
    expect(next("41 2 * * *", "2026-12-31T23:59:00Z")).toBe("2027-01-01T02:41:00.000Z");
  });

  it("take lists, ranges, steps and names; either day field matches when both are set", () => {
    expect(next("0,30 9-10 * * *", "2026-11-30T09:10:00Z")).toBe("2026-11-30T09:30:00.000Z");
    expect(next("10-40/10 * * * *", "2026-11-30T09:41:00Z")).toBe("2026-11-30T10:10:00.000Z");
    expect(next("0 9 * * MON-FRI", "2026-12-05T00:00:00Z")).toBe("2026-12-07T09:00:00.000Z"); // Sat → Mon
    expect(next("0 0 * JAN 7", "2026-11-30T00:00:00Z")).toBe("2027-01-03T00:00:00.000Z"); // 7 is Sunday
    expect(next("0 0 15 * 1", "2026-12-01T01:00:00Z")).toBe("2026-12-07T00:00:00.000Z"); // a Monday before the 15th
    expect(next("*/5 * * * * *", "2026-11-30T21:14:31Z")).toBe("2026-11-30T21:14:35.000Z"); // seconds (tests)
  });

  it("refuse what they cannot read", () => {
    for (const bad of ["61 * * * *", "* * *", "L * * * *", "*/0 * * * *", "0 0 32 * *", "0 0 * * FOO"])
      expect(() => parseCron(bad), bad).toThrow(/cron/);
  });
});

describe("the crons of both Workers", () => {
  it("are read from wrangler.toml and recommend.wrangler.toml, and can be re-timed or turned off", async () => {
    const crons = await readCrons();
    expect(crons).toEqual(
      expect.arrayContaining([
        { worker: "wayfind", cron: "*/15 * * * *" },
        { worker: "wayfind-recommend", cron: "7 * * * *" },
        { worker: "wayfind-recommend", cron: "41 2 * * *" },
      ]),
    );
    const jobs = schedule(crons, { "*/15 * * * *": "*/2 * * * * *", "41 2 * * *": "off" });
    expect(jobs.some((j) => j.cron === "41 2 * * *")).toBe(false);
    const rollup = jobs.find((j) => j.cron === "*/15 * * * *")!;
    expect(rollup.timing.stepMs).toBe(1000);
    expect(rollup.timing.matches(at("2026-11-30T21:14:32Z"))).toBe(true);
  }, 60_000);
});
