// The recommend Worker: model inference with onnxruntime-web (and, later, training).
// Reached only through the edge Worker's service binding, which names the site in x-wayfind-site.
import { Hono } from "hono";
import { logisticRegression, logisticRegressionOnnx, LOGISTIC_INPUT, LOGISTIC_OUTPUT } from "../models/onnx/logistic";
import { createSession, ort } from "../models/onnx/runtime";
import { errorBody } from "./lib/errors";

export interface RecommendEnv {
  DB: D1Database;
}

// A fixed two-feature model: proves the wasm path end to end in the real bundle.
const PROBE_WEIGHTS = [0.75, -1.25];
const PROBE_BIAS = 0.1;
const PROBE_ROW = [2, 0.5];
let probeSession: Promise<ort.InferenceSession> | undefined;

const app = new Hono<{ Bindings: RecommendEnv }>();

app.get("/healthz", (c) => c.json({ ok: true, worker: "recommend" }));

app.get("/api/v1/models/health", async (c) => {
  const started = Date.now();
  probeSession ??= createSession(logisticRegressionOnnx(PROBE_WEIGHTS, PROBE_BIAS));
  const session = await probeSession;
  const input = new ort.Tensor("float32", Float32Array.from(PROBE_ROW), [1, PROBE_ROW.length]);
  const output = await session.run({ [LOGISTIC_INPUT]: input });
  const probability = (output[LOGISTIC_OUTPUT]!.data as Float32Array)[0]!;
  return c.json({
    ok: true,
    runtime: "onnxruntime-web",
    site_id: c.req.header("x-wayfind-site") ?? null,
    probe: { probability, expected: logisticRegression(PROBE_WEIGHTS, PROBE_BIAS, PROBE_ROW) },
    ms: Date.now() - started,
  });
});

app.notFound((c) => c.json(errorBody("not_found", "This model endpoint is not built yet."), 404));
app.onError((err, c) => {
  console.error("recommend error", err);
  return c.json(errorBody("internal", "The recommend Worker failed."), 500);
});

export default { fetch: app.fetch } satisfies ExportedHandler<RecommendEnv>;
