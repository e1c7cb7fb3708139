// The stateless experiment calculator through the real API: gbstats' golden numbers come back
// over HTTP in the documented shape, and bad input gets the standard envelope.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { assignVariant, EXPOSURE_EVENT } from "../../core/experiment-assign";
import { api, collect, createSite, eventsLanded, expectError, unique } from "./helpers";

const PATH = "/api/v1/experiments/analyze";
const close = (actual: unknown, expected: number) => expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-4);

describe("POST /api/v1/experiments/analyze", () => {
  it("answers gbstats' golden values for means, proportions, Bayesian and absolute effects", async () => {
    const site = await createSite();
    const post = async (body: unknown) => {
      const res = await api(PATH, { method: "POST", token: site.read, json: body });
      const json = (await res.json()) as {
        results: {
          effect: number;
          se: number;
          ci: [number, number];
          p_value: number | null;
          chance_to_win: number | null;
          risk: [number, number] | null;
        }[];
        srm: { p_value: number; warning: boolean };
      };
      expect(res.status).toBe(200);
      await expectDocumented(`POST ${PATH}`, 200, json);
      return json;
    };
    const means = {
      metric_type: "mean",
      variants: [
        { n: 3407, sum: 1396.87, sum_squares: 52377.9767 },
        { n: 3461, sum: 2422.7, sum_squares: 134698.29 },
      ],
    };
    const rel = (await post(means)).results[0]!;
    close(rel.effect, 0.70732);
    close(rel.se, 0.37879);
    close(rel.ci[0], -0.03526);
    close(rel.ci[1], 1.44989);
    close(rel.p_value, 0.06191);
    expect(rel.chance_to_win).toBeNull();
    expect(rel.risk).toBeNull();
    const abs = (await post({ ...means, relative: false })).results[0]!;
    close(abs.effect, 0.29);
    close(abs.se, 0.12478);
    close(abs.p_value, 0.02016);
    const props = await post({
      metric_type: "proportion",
      variants: [
        { n: 28, conversions: 14 },
        { n: 30, conversions: 16 },
      ],
    });
    close(props.results[0]!.se, 0.2717);
    close(props.results[0]!.p_value, 0.80707);
    const bayes = (
      await post({
        metric_type: "proportion",
        engine: "bayesian",
        variants: [
          { n: 100, conversions: 49 },
          { n: 100, conversions: 51 },
        ],
      })
    ).results[0]!;
    close(bayes.effect, 0.04082);
    close(bayes.chance_to_win, 0.60918);
    close(bayes.risk![0], 0.0814);
    close(bayes.risk![1], 0.04058);
    expect(bayes.p_value).toBeNull();
    const seq = (await post({ ...means, engine: "sequential" })).results[0]!;
    expect(seq.ci[1] - seq.ci[0]).toBeGreaterThan(rel.ci[1] - rel.ci[0]); // always-valid intervals are wider
    const srm = await post({
      metric_type: "proportion",
      weights: [0.5, 0.5],
      variants: [
        { n: 5263, conversions: 500 },
        { n: 4737, conversions: 450 },
      ],
    });
    expect(srm.srm.warning).toBe(true);
  });

  it("refuses bad input in the standard envelope", async () => {
    const site = await createSite();
    const post = (json: unknown) => api(PATH, { method: "POST", token: site.read, json });
    const two = [
      { n: 10, conversions: 1 },
      { n: 10, conversions: 2 },
    ];
    await expectError(await post({ metric_type: "revenue", variants: two }), 400, "validation_failed", "metric_type");
    await expectError(
      await post({ metric_type: "proportion", weights: [0.5, 0.6], variants: two }),
      400,
      "validation_failed",
      "weights",
    );
    await expectError(
      await post({ metric_type: "proportion", variants: Array.from({ length: 11 }, () => two[0]) }),
      400,
      "validation_failed",
      "variants",
    );
    await expectError(await post({ metric_type: "mean", variants: two }), 400, "validation_failed", "variants.0.sum");
    await expectError(
      await post({ metric_type: "proportion", engine: "magic", variants: two }),
      400,
      "validation_failed",
      "engine",
    );
    await expectError(
      await post({ metric_type: "proportion", variants: [{ n: 1, conversions: 5 }, two[1]] }),
      400,
      "validation_failed",
      "variants.0.conversions",
    );
    // No data has sum 10 and sum of squares 1 over 10 units (sum² / n = 10): refused, not nulls.
    const impossible = await expectError(
      await post({
        metric_type: "mean",
        variants: [
          { n: 10, sum: 10, sum_squares: 20 },
          { n: 10, sum: 10, sum_squares: 1 },
        ],
      }),
      400,
      "validation_failed",
      "variants.1.sum_squares",
    );
    expect(impossible.error.issues.map((i) => i.path)).toEqual(["variants.1.sum_squares"]);
    const anonymous = await api(PATH, { method: "POST", json: { metric_type: "proportion", variants: two } });
    expect(anonymous.status).toBe(401);
  });
});

describe("experiments: lifecycle, assignment and results", () => {
  it("creates a draft, starts, assigns as the snippet's hash does, reads results from exposures, stops with a winner", async () => {
    const site = await createSite({ currency: "USD" });
    const created = await api("/api/v1/experiments", {
      method: "POST",
      token: site.admin,
      json: {
        key: "pricing-page",
        name: "Pricing page",
        variants: ["a", "b"],
        hypothesis: "A shorter page sells more",
        guardrails: ["refund_rate", "bounce_rate"],
      },
    });
    expect(created.status).toBe(201);
    await expectDocumented("POST /api/v1/experiments", 201, await created.json());
    const assign = async (userId: string) => {
      const res = await api("/api/v1/experiments/pricing-page/assign", {
        method: "POST",
        token: site.read,
        json: { user_id: userId },
      });
      const body = (await res.json()) as { variant: string; status: string };
      await expectDocumented("POST /api/v1/experiments/{key}/assign", 200, body);
      return body;
    };
    expect((await assign("u1")).variant).toBe("a"); // a draft serves control
    const started = await api("/api/v1/experiments/pricing-page/start", { method: "POST", token: site.admin });
    expect(started.status).toBe(200);
    // No units yet: no mean (null, not 0), so the dashboard shows its empty state.
    const empty = (await (await api("/api/v1/experiments/pricing-page/results", { token: site.read })).json()) as {
      units: number[];
      metrics: { means: (number | null)[] }[];
    };
    await expectDocumented("GET /api/v1/experiments/{key}/results", 200, empty);
    expect(empty.units).toEqual([0, 0]);
    expect(empty.metrics.length).toBeGreaterThan(0);
    for (const m of empty.metrics) expect(m.means).toEqual([null, null]);
    // Running: the same hash as core/experiment-assign.ts, and stable for the same user.
    const users = Array.from({ length: 20 }, (_, i) => `user-${i}`);
    for (const u of users.slice(0, 6)) {
      const expected = ["a", "b"][assignVariant("pricing-page", u, [0.5, 0.5])];
      expect((await assign(u)).variant).toBe(expected);
      expect((await assign(u)).variant).toBe(expected);
    }
    // Exposures (one visitor each, one IP each) and a purchase by one visitor of variant b.
    const now = Date.now();
    const exposure = (variant: string) => ({
      id: unique("x"),
      type: "custom",
      name: EXPOSURE_EVENT,
      url: `${site.origin}/pricing`,
      ts: now,
      props: { experiment: "pricing-page", variant },
    });
    const variants = ["a", "a", "a", "b", "b", "b"];
    let sent = 0;
    for (const [i, v] of variants.entries()) {
      const ip = `10.99.${i}.1`;
      const events: unknown[] = [exposure(v)];
      if (i === 3)
        events.push({
          id: unique("p"),
          type: "purchase",
          url: `${site.origin}/thanks`,
          ts: now + 1000,
          revenue: 99,
          currency: "USD",
          order_id: unique("o"),
        });
      expect((await collect(site, events, { ip })).status).toBeLessThan(300);
      sent += events.length;
    }
    await eventsLanded(site.id, sent);
    const res = await api("/api/v1/experiments/pricing-page/results", { token: site.read });
    const results = (await res.json()) as {
      units: number[];
      metrics: { metric: string; means: number[] }[];
      daily: { day: string; units: number[] }[];
    };
    expect(res.status).toBe(200);
    await expectDocumented("GET /api/v1/experiments/{key}/results", 200, results);
    expect(results.units).toEqual([3, 3]);
    expect(results.metrics[0]!.metric).toBe("purchase");
    expect(results.metrics[0]!.means).toEqual([0, 1 / 3]); // the purchase is credited to b
    expect(results.metrics.map((m) => m.metric)).toEqual(["purchase", "refund_rate", "bounce_rate"]);
    expect(results.metrics[1]!.means).toEqual([0, 0]);
    expect(results.metrics[2]!.means).toEqual([1, 1]); // every exposure session saw no second page
    expect(results.daily.at(-1)!.units).toEqual([3, 3]);
    // Stop with b as the winner: everyone gets b.
    const stopped = await api("/api/v1/experiments/pricing-page/stop", {
      method: "POST",
      token: site.admin,
      json: { winner: "b", decision: "Ship the short page" },
    });
    expect(stopped.status).toBe(200);
    for (const u of users.slice(0, 4)) expect(await assign(u)).toMatchObject({ variant: "b", status: "stopped" });
  });

  it("refuses an unknown metric, weights not summing to 1 and too many variants", async () => {
    const site = await createSite();
    const post = (json: Record<string, unknown>) =>
      api("/api/v1/experiments", {
        method: "POST",
        token: site.admin,
        json: { key: "k", name: "K", variants: ["a", "b"], ...json },
      });
    await expectError(await post({ primary_metric: "happiness" }), 400, "validation_failed", "primary_metric");
    await expectError(await post({ weights: [0.7, 0.7] }), 400, "validation_failed", "weights");
    await expectError(
      await post({ variants: Array.from({ length: 11 }, (_, i) => `v${i}`) }),
      400,
      "validation_failed",
      "variants",
    );
    // A creative test names its landing field; an on-site one has none.
    await expectError(await post({ kind: "creative" }), 400, "validation_failed", "creative_field");
    await expectError(await post({ creative_field: "utm_content" }), 400, "validation_failed", "creative_field");
    // A taken key has its own code, not the generic conflict ("already done or changed meanwhile").
    expect((await post({})).status).toBe(201);
    await expectError(await post({}), 409, "experiment_exists", "key");
    const edit = (json: unknown) => api("/api/v1/experiments/k", { method: "PATCH", token: site.admin, json });
    await expectError(await edit({ creative_field: "utm_id" }), 400, "validation_failed", "creative_field");
    expect((await edit({ creative_field: null })).status).toBe(200);
    const unknown = await api("/api/v1/experiments/nope/assign", {
      method: "POST",
      token: site.read,
      json: { user_id: "u" },
    });
    await expectError(unknown, 404, "not_found");
  });
});

describe("creative tests", () => {
  it("reads exposures from landings with the campaign, credits purchases, and puts spend and ROAS per creative", async () => {
    const site = await createSite({ currency: "USD" });
    const created = await api("/api/v1/experiments", {
      method: "POST",
      token: site.admin,
      json: {
        key: "spring-ads",
        name: "Spring ads",
        kind: "creative",
        creative_field: "utm_campaign",
        variants: ["spring-a", "spring-b"],
        guardrails: ["revenue"],
      },
    });
    expect(created.status).toBe(201);
    await api("/api/v1/experiments/spring-ads/start", { method: "POST", token: site.admin });
    const now = Date.now() + 1000;
    const landing = (campaign: string, ts: number) => ({
      id: unique("l"),
      type: "pageview",
      url: `${site.origin}/?utm_source=weixin&utm_medium=cpc&utm_campaign=${campaign}`,
      ts,
    });
    const visitors: [string, boolean][] = [
      ["spring-a", false],
      ["spring-a", false],
      ["spring-b", true],
      ["other", true], // not in the test
    ];
    let sent = 0;
    for (const [i, [campaign, buys]] of visitors.entries()) {
      const events: unknown[] = [landing(campaign, now)];
      if (buys)
        events.push({
          id: unique("p"),
          type: "purchase",
          url: `${site.origin}/thanks`,
          ts: now + 1000,
          revenue: 50,
          currency: "USD",
          order_id: unique("o"),
        });
      expect((await collect(site, events, { ip: `10.98.${i}.1` })).status).toBeLessThan(300);
      sent += events.length;
    }
    const day = new Date(now).toISOString().slice(0, 10);
    const costs = [
      { date: day, source: "weixin", medium: "cpc", campaign: "spring-a", cost: 20, currency: "USD" },
      { date: day, source: "weixin", medium: "cpc", campaign: "spring-b", cost: 25, currency: "USD" },
    ];
    expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: costs })).status).toBe(200);
    await eventsLanded(site.id, sent);
    const res = await api("/api/v1/experiments/spring-ads/results", { token: site.read });
    const body = (await res.json()) as {
      units: number[];
      cost: (number | null)[];
      roas: (number | null)[];
      metrics: { metric: string; means: number[] }[];
    };
    expect(res.status).toBe(200);
    await expectDocumented("GET /api/v1/experiments/{key}/results", 200, body);
    expect(body.units).toEqual([2, 1]);
    expect(body.metrics.map((m) => m.metric)).toEqual(["purchase", "revenue"]);
    expect(body.metrics[0]!.means).toEqual([0, 1]);
    expect(body.metrics[1]!.means).toEqual([0, 50]);
    expect(body.cost).toEqual([20, 25]);
    expect(body.roas).toEqual([0, 2]);
  });
});
