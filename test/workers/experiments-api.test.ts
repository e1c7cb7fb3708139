// The stateless experiment calculator through the real API: gbstats' golden numbers come back
// over HTTP in the documented shape, and bad input gets the standard envelope.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, createSite, expectError } from "./helpers";

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
    const anonymous = await api(PATH, { method: "POST", json: { metric_type: "proportion", variants: two } });
    expect(anonymous.status).toBe(401);
  });
});
