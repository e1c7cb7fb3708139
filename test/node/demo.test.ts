// The demo `npm start` seeds, run by the same seeding code against the built Workers: budget advice
// must have channels to talk about, and the demo's propensity model must beat chance clearly.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";
import { ensureDemo } from "../../scripts/local/demo.mjs";
import { DEMO_DAYS } from "../../scripts/demo-data.mjs";

const root = resolve(import.meta.dirname, "../..");
const adminToken = "demo-admin-token";

describe("the npm start demo", () => {
  let started: Awaited<ReturnType<typeof startBuiltWorkers>>;
  let demo: Awaited<ReturnType<typeof ensureDemo>>;
  let seeded: NonNullable<typeof demo.seeded>;
  const read = async <T>(path: string): Promise<T> => {
    const res = await started.mf.dispatchFetch(new URL(path, started.url), {
      headers: { authorization: `Bearer ${demo.demo_secret_key}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  // Seeding a month of traffic and training both models takes a while on a loaded 2-core machine.
  beforeAll(async () => {
    started = await startBuiltWorkers({ root, adminToken });
    // The same seeding code as npm start (scripts/local/demo.mjs), against the built Workers.
    demo = await ensureDemo({
      request: (path, init) => started.mf.dispatchFetch(new URL(path, started.url), init),
      adminToken,
      waitMs: 180_000,
    });
    seeded = demo.seeded!;
  }, 240_000);
  afterAll(async () => {
    await started?.mf.dispose();
  });

  it("stays within one export page, which is how npm start waits for the queue", () => {
    expect(seeded.events).toBeGreaterThan(5_000);
    expect(seeded.events).toBeLessThanOrEqual(10_000);
  });

  it("gives budget advice on at least three paid channels, each with a month of spend", async () => {
    const advice = await read<{
      channels: { channel: string; suggested_daily_spend: number; fit: { b: number; days_with_spend: number } }[];
      excluded: { channel: string }[];
    }>("/api/v1/reports/budget");
    const names = advice.channels.map((c) => c.channel);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(names).toEqual(expect.arrayContaining(["Paid Search", "Paid Social", "Paid Video"]));
    for (const c of advice.channels) {
      if (c.channel.startsWith("Paid")) expect(c.fit.days_with_spend).toBe(DEMO_DAYS);
      expect(c.fit.b).toBeGreaterThan(0);
      expect(c.fit.b).toBeLessThanOrEqual(1);
    }
  });

  it("trains a propensity model clearly better than chance on its holdout", async () => {
    const outcome = seeded.retrained.find((r) => r.kind === "propensity");
    expect(outcome?.promoted).toBe(true);
    const models = await read<{
      data: { kind: string; status: string; metrics: { holdout: { auc: number | null; examples: number } } }[];
    }>("/api/v1/models");
    const active = models.data.filter((m) => m.kind === "propensity" && m.status === "active");
    expect(active).toHaveLength(1);
    expect(active[0]!.metrics.holdout.examples).toBeGreaterThan(100);
    expect(active[0]!.metrics.holdout.auc).toBeGreaterThan(0.7);
  });
});
