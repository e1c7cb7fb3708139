// Experiment results with CUPED and FX, on events seeded straight into D1: the pre-period strongly
// predicts revenue, so CUPED's standard error is the plain one times about √(1−ρ²), its effect is
// the model's pure function on the same sums and stays near the true lift; a purchase in USD on a
// CNY site counts at the site's rate, and one without a rate is reported, not silently zero.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EXPOSURE_EVENT } from "../../core/experiment-assign";
import { convertMinor, currencyDigits, rateTable } from "../../core/money";
import { DAY_MS } from "../../core/time";
import { analyze } from "../../models/experiments/analyze";
import { seededRandom } from "../../models/random";
import { expectDocumented } from "./documented";
import { api, createSite, type TestSite } from "./helpers";

interface Result {
  effect: number;
  se: number;
  ci: [number, number];
  variance_reduction: number | null;
}
interface Results {
  currency: string;
  cuped: { pre_from: string; pre_to: string } | null;
  issues: { code: string; currency: string; date: string }[];
  units: number[];
  metrics: { metric: string; cuped: boolean; means: number[]; results: Result[] }[];
}

/** A seeded standard normal (Box–Muller on models/random.ts's generator). */
function random(seed: number) {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

type Row = [
  type: string,
  ts: number,
  visitor: string,
  minor: number | null,
  currency: string | null,
  props: string | null,
];

async function insert(siteId: string, rows: Row[]) {
  const sql =
    "INSERT INTO events (site_id, id, type, name, ts, received_at, origin, session_id, visitor_id, source, medium, " +
    "campaign, channel, device, revenue_minor, currency, props, superseded) " +
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'browser', ?6, ?6, 'google', 'organic', '(organic)', 'Organic Search', 'desktop', ?7, ?8, ?9, 0)";
  const statements = rows.map(([type, ts, visitor, minor, currency, props]) =>
    env.DB.prepare(sql).bind(
      siteId,
      crypto.randomUUID(),
      type,
      type === "custom" ? EXPOSURE_EVENT : null,
      ts,
      visitor,
      minor,
      currency,
      props,
    ),
  );
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
}

async function startExperiment(site: TestSite, key: string, extra: Record<string, unknown> = {}) {
  const created = await api("/api/v1/experiments", {
    method: "POST",
    token: site.admin,
    json: { key, name: key, variants: ["a", "b"], primary_metric: "revenue", ...extra },
  });
  expect(created.status).toBe(201);
  const started = await api(`/api/v1/experiments/${key}/start`, { method: "POST", token: site.admin });
  return Date.parse(((await started.json()) as { started_at: string }).started_at);
}

async function results(site: TestSite, key: string, query = ""): Promise<Results> {
  const res = await api(`/api/v1/experiments/${key}/results${query}`, { token: site.read });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Results;
  await expectDocumented("GET /api/v1/experiments/{key}/results", 200, body);
  return body;
}

const exposure = (key: string, variant: string) => JSON.stringify({ experiment: key, variant });

describe("CUPED in experiment results", () => {
  it("shrinks the SE by about √(1−ρ²) with a strongly predictive pre-period, and leaves the effect unbiased", async () => {
    const site = await createSite({ currency: "CNY" });
    const start = await startExperiment(site, "cuped-revenue");
    const normal = random(20261201);
    // Per unit: pre-period revenue x ~ 100 ± 30, post y = x + 10 ± 10, and +10 more in arm b (a 10 % lift on ~100).
    const units = 240;
    const rows: Row[] = [];
    const data: { arm: number; x: number; y: number }[] = [];
    for (let i = 0; i < units; i++) {
      const arm = i % 2;
      const x = Math.max(1, Math.round(100 + 30 * normal()));
      const y = Math.max(1, Math.round(x + 10 * normal() + (arm ? 10 : 0)));
      data.push({ arm, x, y });
      const visitor = `cuped-v${i}`;
      rows.push(["purchase", start - 3 * DAY_MS, visitor, x * 100, "CNY", null]);
      rows.push(["custom", start + 1000, visitor, null, null, exposure("cuped-revenue", arm ? "b" : "a")]);
      rows.push(["purchase", start + 2000, visitor, y * 100, "CNY", null]);
    }
    // A purchase before the pre-period is not a covariate.
    rows.push(["purchase", start - 20 * DAY_MS, "cuped-v0", 999_900, "CNY", null]);
    await insert(site.id, rows);

    const on = await results(site, "cuped-revenue");
    const off = await results(site, "cuped-revenue", "?cuped=false");
    expect(on.cuped).toEqual({
      pre_from: new Date(start - 14 * DAY_MS).toISOString(),
      pre_to: new Date(start).toISOString(),
    });
    expect(off.cuped).toBeNull();
    expect(on.units).toEqual([units / 2, units / 2]);
    const [cuped, plain] = [on.metrics[0]!, off.metrics[0]!];
    expect(cuped.metric).toBe("revenue");
    expect(cuped.cuped).toBe(true);
    expect(plain.cuped).toBe(false);
    expect(cuped.means).toEqual(plain.means); // means shown are the unadjusted ones

    // The model's pure function on the same sums gives the same numbers.
    const sums = [0, 1].map((arm) => {
      const d = data.filter((u) => u.arm === arm);
      const sum = (f: (u: (typeof d)[number]) => number) => d.reduce((s, u) => s + f(u), 0);
      return {
        post: { kind: "mean" as const, n: d.length, sum: sum((u) => u.y), sumSquares: sum((u) => u.y ** 2) },
        pre: { kind: "mean" as const, n: d.length, sum: sum((u) => u.x), sumSquares: sum((u) => u.x ** 2) },
        sumProducts: sum((u) => u.x * u.y),
      };
    });
    const pure = analyze(sums).results[0]!;
    const purePlain = analyze(sums.map((s) => s.post)).results[0]!;
    const c = cuped.results[0]!;
    const p = plain.results[0]!;
    expect(c.effect).toBeCloseTo(pure.effect!, 9);
    expect(c.se).toBeCloseTo(pure.se!, 9);
    expect(p.effect).toBeCloseTo(purePlain.effect!, 9);
    expect(p.se).toBeCloseTo(purePlain.se!, 9);

    // The SE shrinks by about √(1−ρ²), ρ the pooled pre/post correlation (≈ 0.95 here).
    const n = data.length;
    const mx = data.reduce((s, u) => s + u.x, 0) / n;
    const my = data.reduce((s, u) => s + u.y, 0) / n;
    const cov = data.reduce((s, u) => s + (u.x - mx) * (u.y - my), 0);
    const vx = data.reduce((s, u) => s + (u.x - mx) ** 2, 0);
    const vy = data.reduce((s, u) => s + (u.y - my) ** 2, 0);
    const rho = cov / Math.sqrt(vx * vy);
    expect(rho).toBeGreaterThan(0.9);
    const ratio = c.se / p.se;
    expect(ratio).toBeLessThan(0.5);
    expect(Math.abs(ratio - Math.sqrt(1 - rho ** 2))).toBeLessThan(0.05);
    expect(c.variance_reduction).toBeCloseTo(1 - ratio ** 2, 9);
    expect(p.variance_reduction).toBeNull();
    // Unbiased: the true relative lift (10 on a control mean of about 110) lies inside CUPED's interval,
    // and CUPED's estimate agrees with the plain one within the plain estimate's error.
    const truth = 10 / cuped.means[0]!;
    expect(c.ci[0]).toBeLessThan(truth);
    expect(c.ci[1]).toBeGreaterThan(truth);
    expect(Math.abs(c.effect - p.effect)).toBeLessThan(p.se);
  });

  it("is off for an experiment with cuped_days 0, and a bounce rate guardrail is never adjusted", async () => {
    const site = await createSite({ currency: "CNY" });
    await startExperiment(site, "no-cuped", { cuped_days: 0, guardrails: ["bounce_rate"] });
    const got = await api("/api/v1/experiments/no-cuped", { token: site.read });
    expect(((await got.json()) as { cuped_days: number }).cuped_days).toBe(0);
    const body = await results(site, "no-cuped");
    expect(body.cuped).toBeNull();
    expect(body.metrics.map((m) => m.cuped)).toEqual([false, false]);
  });
});

describe("revenue in the site's currency", () => {
  it("converts a USD purchase on a CNY site with the site's FX rate, and reports a purchase without a rate", async () => {
    const site = await createSite({ currency: "CNY" });
    const start = await startExperiment(site, "fx-revenue");
    const day = new Date(start).toISOString().slice(0, 10);
    const rates = [{ date: day, currency: "USD", rate: 7.1234 }];
    const imported = await api("/api/v1/fx-rates", { method: "POST", token: site.admin, json: rates });
    expect(imported.status).toBe(200);
    await insert(site.id, [
      ["custom", start + 1000, "fx-a", null, null, exposure("fx-revenue", "a")],
      ["custom", start + 1000, "fx-b", null, null, exposure("fx-revenue", "b")],
      ["purchase", start + 2000, "fx-a", 9_999, "USD", null], // $99.99
      ["purchase", start + 2000, "fx-b", 19_900, "CNY", null], // ¥199
      ["purchase", start + 3000, "fx-b", 5_000, "EUR", null], // no EUR rate: left out and reported
    ]);
    const body = await results(site, "fx-revenue");
    const yuan = convertMinor(9_999, "USD", "CNY", day, rateTable(rates), currencyDigits)! / 100;
    expect(yuan).toBeCloseTo(712.27, 2);
    expect(body.currency).toBe("CNY");
    expect(body.metrics[0]!.metric).toBe("revenue");
    expect(body.metrics[0]!.means).toEqual([yuan, 199]);
    expect(body.issues).toEqual([{ code: "missing_fx_rate", currency: "EUR", date: day }]);
  });
});
