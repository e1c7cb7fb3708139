// The recommend Worker: recommendations, ranking and propensity served from ONNX models with
// onnxruntime-web, the model registry, and retraining (daily cron, or POST /api/v1/models/retrain);
// and the report emails (hourly cron, and the edge's send-now and preview), whose charts need
// resvg's wasm and a font that the capture Worker should not load.
// Reached only through the edge Worker's service binding, which names the site in x-wayfind-site.
import { siteDatabase } from "../../schema/databases";
import { Hono } from "hono";
import { networkOnnx } from "../../models/onnx/network";
import { createSession, ort } from "../../models/onnx/runtime";
import { predict, type Network } from "../../models/propensity/network";
import { retrainSite } from "../../jobs/recs/train";
import { runNetwork } from "../../models/onnx/run";
import { forEachSite } from "../../jobs/each-site";
import { hasNewItemSignals } from "../../schema/queries/items";
import { listSites } from "../../schema/queries/sites";
import { notFound, onError } from "../shared/on-error";
import { SITE_HEADER, type RecommendBindings, type RecommendEnv } from "./env";
import type { z } from "@hono/zod-openapi";
import type { ModelHealth } from "../shared/recommend-api";
import { modelRoutes } from "./models";
import { recommendationRoutes } from "./recommendations";
import { scoringRoutes } from "./scoring";
import { learnerRoutes } from "./learners";
import { DAY_MS } from "../../core/time";
import { REPORT_CRON, RETRAIN_CRON } from "../../core/crons";
import { runReports } from "../../jobs/reports/run";
import { reportRoutes } from "./reports";

// A fixed two-feature logistic model: proves the wasm path end to end in the real bundle.
const PROBE: Network = {
  inputs: 2,
  hidden: 0,
  w1: new Float32Array(),
  b1: new Float32Array(),
  w2: Float32Array.of(0.75, -1.25),
  b2: 0.1,
};
const PROBE_ROW = Float32Array.of(2, 0.5);
let probeSession: Promise<ort.InferenceSession> | undefined;

const app = new Hono<RecommendBindings>();

app.get("/healthz", (c) => c.json({ ok: true, worker: "recommend" }));

app.get("/api/v1/models/health", async (c) => {
  const started = Date.now();
  probeSession ??= createSession(networkOnnx(PROBE));
  const [probability] = await runNetwork(await probeSession, PROBE_ROW, 2);
  return c.json({
    ok: true,
    runtime: "onnxruntime-web",
    site_id: c.req.header(SITE_HEADER) ?? null,
    probe: { probability: probability!, expected: predict(PROBE, PROBE_ROW) },
    ms: Date.now() - started,
  } satisfies z.infer<typeof ModelHealth>);
});

for (const routes of [modelRoutes, recommendationRoutes, scoringRoutes, reportRoutes, learnerRoutes])
  app.route("/", routes);

app.notFound(notFound(() => "No such recommendation endpoint."));
app.onError(onError({ worker: "recommend", internalMessage: "The recommend Worker failed." }));

/**
 * RETRAIN_CRON (daily): retrain every site with new item signals since yesterday. REPORT_CRON
 * (hourly): the ROI emails that are due, their retries, and the alert rules (jobs/reports/run.ts).
 */
async function scheduled(controller: ScheduledController, env: RecommendEnv): Promise<void> {
  if (controller.cron === REPORT_CRON) await runReports(env, controller.scheduledTime);
  if (controller.cron === RETRAIN_CRON) await retrainAll(controller, env);
}

async function retrainAll(controller: ScheduledController, env: RecommendEnv): Promise<void> {
  const since = controller.scheduledTime - DAY_MS;
  await forEachSite(await listSites(env.DB), "retrain", async ({ id }) => {
    if (!(await hasNewItemSignals(siteDatabase(env, id), { siteId: id }, since))) return;
    const outcomes = await retrainSite(env, id, controller.scheduledTime);
    console.log("retrained", id, outcomes.map((o) => `${o.kind}: ${o.reason}`).join("; "));
  });
}

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<RecommendEnv>;
