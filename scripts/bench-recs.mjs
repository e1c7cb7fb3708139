// Recommendation benchmarks, printed by `npm run bench`:
// - latency of one top-10 recommendation inside workerd for 2k, 10k and 50k items: the ONNX
//   graph in onnxruntime-web against the same scoring in plain TypeScript (same mask, same k);
// - BPR training time per epoch on MovieLens 100K, in workerd and in Node (same code);
// - the recommend Worker's bundle size and cold start, beside the edge Worker's.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { root } from "./local-env.mjs";
import { importTs } from "./import-ts.mjs";
import { COMPATIBILITY_DATE, modulesOf } from "./run-bundle.mjs";

const MOVIELENS = resolve(root, "../shared/datasets/movielens-100k/u.data");
const CALLS = 300;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// The bench Worker: production scoring code (models/, jobs/recs/verify) behind three routes.
const WORKER = `
import { tensorflow } from "./models/tf/backend";
import { mfOnnx } from "./models/onnx/mf";
import { createSession } from "./models/onnx/runtime";
import { runMf } from "./models/onnx/run";
import { mfScores, trainBpr } from "./models/recs/bpr";
import { topK } from "./models/recs/metrics";
import { buildDataset } from "./models/recs/dataset";
import { parseInteractions } from "./models/recs/evaluate";
import { gaussian, seededRandom } from "./models/random";
let state;
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/setup") {
      const items = Number(url.searchParams.get("items")), users = 1000, dim = 32, random = seededRandom(1);
      const model = { dim, numUsers: users, numItems: items, userFactors: gaussian(users * dim, 0.1, random),
        itemFactors: gaussian(items * dim, 0.1, random), itemBias: gaussian(items, 0.1, random) };
      state?.session.release();
      state = { model, session: await createSession(mfOnnx(model)), scores: new Float32Array(items) };
      return new Response("ok");
    }
    if (url.pathname === "/score") {
      const { model, session, scores } = state;
      const user = Number(url.searchParams.get("user")) % model.numUsers;
      // Five owned courses masked out, as a learner's request would.
      const mask = new Float32Array(model.numItems);
      const owned = new Set();
      for (let i = 0; i < 5; i++) { mask[(user * 7 + i * 13) % model.numItems] = -Infinity; owned.add((user * 7 + i * 13) % model.numItems); }
      if (url.searchParams.get("mode") === "ort") return Response.json((await runMf(session, user, mask, 10)).items);
      return Response.json(topK(mfScores(model, user, scores), 10, owned));
    }
    if (url.pathname === "/train") {
      const tf = await tensorflow();
      const data = buildDataset(parseInteractions(await request.text()));
      const { epochs } = await trainBpr(tf, data, { epochs: Number(url.searchParams.get("epochs")) });
      return Response.json(epochs);
    }
    return new Response("not found", { status: 404 });
  },
};`;

async function startBenchWorker() {
  const dir = resolve(root, ".wayfind/tmp/bench-recs");
  mkdirSync(dir, { recursive: true });
  copyFileSync(
    resolve(root, "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm"),
    resolve(dir, "ort.wasm"),
  );
  await build({
    stdin: { contents: WORKER, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    outfile: resolve(dir, "bench.js"),
    logLevel: "error",
    // As wrangler does: the .wasm import becomes a pre-compiled module beside the script.
    plugins: [
      {
        name: "wasm",
        setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: "./ort.wasm", external: true })),
      },
    ],
  });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: "bench-recs",
          modules: [
            { type: "ESModule", path: resolve(dir, "bench.js") },
            { type: "CompiledWasm", path: resolve(dir, "ort.wasm") },
          ],
          modulesRoot: dir,
          compatibilityDate: COMPATIBILITY_DATE,
        },
      ],
    }),
  );
  return { mf, url: await mf.ready };
}

async function latency(mf, url, mode) {
  const times = [];
  for (let i = 0; i < CALLS + 20; i++) {
    const t0 = performance.now();
    await (await mf.dispatchFetch(new URL(`/score?mode=${mode}&user=${i}`, url))).text();
    if (i >= 20) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function benchRecommendLatency() {
  const { mf, url } = await startBenchWorker();
  const rows = [];
  for (const items of [2_000, 10_000, 50_000]) {
    await (await mf.dispatchFetch(new URL(`/setup?items=${items}`, url))).text();
    rows.push({ items, ort: await latency(mf, url, "ort"), ts: await latency(mf, url, "ts") });
  }
  let training = null;
  if (existsSync(MOVIELENS)) {
    const text = readFileSync(MOVIELENS, "utf8");
    const epochs = await (
      await mf.dispatchFetch(new URL("/train?epochs=2", url), { method: "POST", body: text })
    ).json();
    const recs = await importTs(
      "bench-recs-node",
      'export { tensorflow } from "./models/tf/backend"; export { trainBpr } from "./models/recs/bpr"; export { buildDataset } from "./models/recs/dataset"; export { parseInteractions } from "./models/recs/evaluate";',
    );
    const tf = await recs.tensorflow();
    const node = await recs.trainBpr(tf, recs.buildDataset(recs.parseInteractions(text)), { epochs: 2 });
    const mean = (list) => list.reduce((s, e) => s + e.ms, 0) / list.length;
    training = { workerdMs: mean(epochs), nodeMs: mean(node.epochs) };
  }
  await mf.dispose();
  return { rows, training };
}

function gzipSize(dir) {
  let raw = 0;
  let gzip = 0;
  for (const f of readdirSync(dir).filter((f) => /\.(js|wasm|bin)$/.test(f))) {
    const bytes = readFileSync(resolve(dir, f));
    raw += statSync(resolve(dir, f)).size;
    gzip += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { raw, gzip };
}

/** workerd start + first /healthz for the built recommend Worker alone (ORT's wasm compiles at load). */
async function recommendCold() {
  const dir = resolve(root, "dist/recommend");
  const t0 = performance.now();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: "wayfind-recommend",
          modules: modulesOf(dir, "index.js"),
          modulesRoot: dir,
          compatibilityDate: COMPATIBILITY_DATE,
          d1Databases: { DB: "bench" },
          r2Buckets: { MODELS: "bench" },
        },
      ],
    }),
  );
  const url = await mf.ready;
  await (await mf.dispatchFetch(new URL("/healthz", url))).text();
  const ms = performance.now() - t0;
  await mf.dispose();
  return ms;
}

export async function benchRecommendBundle() {
  const cold = [];
  for (let i = 0; i < 3; i++) cold.push(await recommendCold());
  cold.sort((a, b) => a - b);
  return {
    recommend: gzipSize(resolve(root, "dist/recommend")),
    edge: gzipSize(resolve(root, "dist/edge")),
    coldMs: cold[1],
  };
}
