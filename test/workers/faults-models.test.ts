// Fault injection in retraining (issue 20): R2 failing while a trained model is registered. No
// half-registered version may remain (no row, no orphan files), the promoted model keeps serving,
// and the failure is logged with the site, kind and R2's error.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { registerCandidate, type Candidate } from "../../jobs/recs/promotion";
import { activeModel, listModels, loadFiles } from "../../jobs/recs/registry";
import { limitedRun } from "../../functions/shared/manual-runs";
import { recentManualRuns } from "../../schema/queries/manual-runs";
import { createSite } from "./helpers";

/** env.MODELS whose put refuses the keys `fails` matches (R2 answering 503 part way through a save). */
function faultyBucket(fails: (key: string) => boolean): R2Bucket {
  return new Proxy(env.MODELS, {
    get(target, prop) {
      if (prop === "put") {
        return async (key: string, ...rest: unknown[]) => {
          if (fails(key)) throw new Error(`R2 put ${key} failed: injected: 503 Service Unavailable`);
          return (target.put as (...a: unknown[]) => Promise<R2Object>)(key, ...rest);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A trained propensity model as the trainer hands it to the registry, promoted by the rule. */
function candidate(siteId: string, now: number, note: string): Candidate {
  return {
    siteId,
    kind: "propensity",
    from: now - 90 * 86_400_000,
    now,
    metrics: { metric: "auc", value: 0.8, export_max_abs_diff: 0 },
    verdict: {
      decision: "promoted",
      reason: "beats logistic regression",
      baseline: "lr",
      baseline_value: 0.6,
      required: 0.61,
    },
    onnx: new TextEncoder().encode(`onnx bytes of ${note}`),
    meta: { note },
  };
}

async function storedKeys(siteId: string): Promise<string[]> {
  const listed = await env.MODELS.list({ prefix: `models/${siteId}/` });
  return listed.objects.map((o) => o.key).sort();
}

describe("R2 unavailable while a retrained model is registered", () => {
  for (const [what, fails] of [
    ["after the ONNX file was stored", (key: string) => key.endsWith("/meta.json")],
    ["from the first file", () => true],
  ] as const) {
    it(`leaves no half-registered version, ${what}, and the promoted model keeps serving`, async () => {
      const site = await createSite();
      const t0 = Date.now() - 60_000;
      const serving = await registerCandidate(env, candidate(site.id, t0, "serving"));
      expect(serving.promoted).toBe(true);
      const before = await storedKeys(site.id);
      expect(before).toHaveLength(2);

      const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
      let error: unknown;
      try {
        error = await registerCandidate(
          { DB: env.DB, MODELS: faultyBucket(fails) },
          candidate(site.id, t0 + 1, "new"),
        ).catch((e: unknown) => e);
        expect(logged.mock.calls).toContainEqual([
          "model registry: model not registered",
          expect.objectContaining({
            siteId: site.id,
            kind: "propensity",
            error: expect.stringContaining("injected: 503 Service Unavailable"),
          }),
        ]);
      } finally {
        logged.mockRestore();
      }
      expect(String(error)).toContain("injected: 503 Service Unavailable");
      // The registry holds the serving model alone, still active, its files whole; R2 holds nothing else.
      const rows = await listModels(siteDatabase(env, site.id), site.id);
      expect(rows.map((r) => [r.id, r.status])).toEqual([[serving.model!.id, "active"]]);
      const active = await activeModel(siteDatabase(env, site.id), site.id, "propensity");
      expect(active!.id).toBe(serving.model!.id);
      expect((await loadFiles<{ note: string }>(env, active!)).meta.note).toBe("serving");
      expect(await storedKeys(site.id)).toEqual(before);
    });
  }

  it("records a retrain started by hand that failed this way, with R2's error, beside the log", async () => {
    const site = await createSite();
    const bucket = faultyBucket(() => true);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const failed = limitedRun(siteDatabase(env, site.id), site.id, "retrain", () =>
        registerCandidate({ DB: env.DB, MODELS: bucket }, candidate(site.id, Date.now(), "new")),
      );
      await expect(failed).rejects.toThrow(/injected: 503 Service Unavailable/);
    } finally {
      logged.mockRestore();
    }
    const [run] = await recentManualRuns(siteDatabase(env, site.id), site.id, "retrain");
    expect(run!.finished_at).not.toBeNull();
    expect(run!.error).toMatch(/R2 put models\/.+ failed: injected: 503 Service Unavailable/);
    expect(await listModels(siteDatabase(env, site.id), site.id)).toEqual([]);
  });
});
