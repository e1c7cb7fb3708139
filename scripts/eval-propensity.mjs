// `npm run eval:propensity -- FILE --label COLUMN [--categorical A,B]`: stratified 5-fold
// cross-validation (seed 42) of the production propensity model (gradient-boosted trees and a
// network, log-odds blended) against logistic regression and its own two parts, all trained by the
// production code (models/propensity) on each fold. Each fold's model is exported to ONNX and run
// in onnxruntime-web on the test fold, as the retrain's export check does; the last fold's graph
// is then timed per call. Text columns are categorical; --categorical marks numeric codes as
// categories too. The last line is JSON.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { importTs, NODE_ORT } from "./import-ts.mjs";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { label: { type: "string" }, categorical: { type: "string" }, epochs: { type: "string" } },
});
if (positionals.length !== 1 || !values.label) {
  console.error("usage: npm run eval:propensity -- FILE --label COLUMN [--categorical A,B] [--epochs N]");
  process.exit(2);
}
const prop = await importTs(
  "eval-propensity",
  [
    'export { tensorflow } from "./models/tf/backend";',
    'export { parseTable, crossValidate } from "./models/propensity/evaluate";',
    'export { DEFAULT_PROPENSITY_OPTIONS } from "./models/propensity/model";',
    'export { propensityOnnx } from "./models/onnx/propensity";',
    'export { networkOnnx } from "./models/onnx/network";',
    'export { createSession } from "./models/onnx/runtime";',
    'export { runNetwork } from "./models/onnx/run";',
    'export { verifyPropensity } from "./jobs/recs/verify";',
  ].join("\n"),
  NODE_ORT,
);
const categorical = values.categorical ? values.categorical.split(",").map((s) => s.trim()) : [];
const table = prop.parseTable(readFileSync(positionals[0], "utf8"), values.label, categorical);
const defaults = prop.DEFAULT_PROPENSITY_OPTIONS;
const options = values.epochs
  ? { ...defaults, network: { ...defaults.network, epochs: Number(values.epochs) } }
  : defaults;
const tf = await prop.tensorflow();
console.error(
  `${table.rows.length} rows; numeric: ${table.spec.numeric.join(", ")}; categorical: ${table.spec.categorical.join(", ")}`,
);
let last;
// CPU seconds per fold (the baseline, the production model, scoring and the export check): the
// machine may be shared, so wall time alone overstates the cost.
const cpuSeconds = [];
let cpuMark = process.cpuUsage();
const result = await prop.crossValidate(
  tf,
  table.rows,
  table.labels,
  table.spec,
  options,
  (fold, r, model, xTest) => {
    last = { model, xTest };
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    cpuSeconds.push((used.user + used.system) / 1e6);
    console.error(
      `  fold ${fold + 1}: logistic ${r.logistic_regression.auc.toFixed(4)}, network ${r.network.auc.toFixed(4)}, ` +
        `trees ${r.trees.auc.toFixed(4)}, model ${r.model.auc.toFixed(4)} (model trained in ${(r.train_ms / 1000).toFixed(1)} s wall; ` +
        `fold ${cpuSeconds.at(-1).toFixed(1)} s CPU; ` +
        `ONNX max |diff| ${r.export_max_abs_diff.toExponential(1)})`,
    );
  },
  async (model, xTest) => (await prop.verifyPropensity(tf, model, prop.propensityOnnx(model), xTest)).maxAbsDiff,
);

/**
 * Milliseconds per ORT call on `rows` rows of the last test fold: the median over batches of 100
 * calls, so a busy shared machine's pauses do not count.
 */
async function timePerCall(onnx, rows, batches) {
  const session = await prop.createSession(onnx);
  const width = last.model.inputs;
  const x = last.xTest.slice(0, rows * width);
  for (let i = 0; i < 200; i++) await prop.runNetwork(session, x, width);
  const times = [];
  for (let b = 0; b < batches; b++) {
    const started = performance.now();
    for (let i = 0; i < 100; i++) await prop.runNetwork(session, x, width);
    times.push((performance.now() - started) / 100);
  }
  await session.release();
  return times.sort((a, b) => a - b)[Math.floor(batches / 2)];
}
const blended = prop.propensityOnnx(last.model);
const networkOnly = prop.networkOnnx(last.model.network);
const latency = {
  model_1_row_ms: await timePerCall(blended, 1, 41),
  model_10_rows_ms: await timePerCall(blended, 10, 41),
  network_1_row_ms: await timePerCall(networkOnly, 1, 41),
  onnx_bytes: blended.length,
};

const o = options;
const names = {
  logistic_regression: "logistic regression",
  network: `network alone (Dense ${o.network.hidden} relu, ${o.network.epochs} epochs)`,
  trees: `gradient-boosted trees alone (${o.trees.trees} x depth ${o.trees.depth}, rate ${o.trees.learningRate})`,
  model: `trees ${o.treeWeight} + network ${Number((1 - o.treeWeight).toFixed(2))} log-odds (production)`,
};
console.log(
  `\n${result.rows} rows, ${result.positives} positives, ${result.inputs} encoded inputs, ${result.folds}-fold CV\n`,
);
console.log("| model | ROC-AUC | F1@0.5 | accuracy |");
console.log("|---|---:|---:|---:|");
for (const [key, label] of Object.entries(names)) {
  const m = result[key];
  console.log(`| ${label} | ${m.auc.toFixed(4)} | ${m.f1.toFixed(4)} | ${m.accuracy.toFixed(4)} |`);
}
console.log(
  `\nProduction model: ${(result.train_ms_per_fold / 1000).toFixed(1)} s wall to train per fold ` +
    `(whole fold ${(cpuSeconds.reduce((a, b) => a + b, 0) / cpuSeconds.length).toFixed(1)} s CPU); ` +
    `ONNX vs tfjs + trees max |diff| ${result.export_max_abs_diff.toExponential(2)}; ` +
    `ORT (Node) ${latency.model_1_row_ms.toFixed(3)} ms per 1-row call, ${latency.model_10_rows_ms.toFixed(3)} ms per 10 rows ` +
    `(network alone ${latency.network_1_row_ms.toFixed(3)} ms); ONNX ${(latency.onnx_bytes / 1024).toFixed(0)} KB.`,
);
const round = (m) => ({
  auc: Number(m.auc.toFixed(4)),
  f1: Number(m.f1.toFixed(4)),
  accuracy: Number(m.accuracy.toFixed(4)),
});
console.log(
  JSON.stringify({
    logistic_regression: round(result.logistic_regression),
    network: round(result.network),
    trees: round(result.trees),
    model: round(result.model),
    train_ms_per_fold: Math.round(result.train_ms_per_fold),
    cpu_s_per_fold: Number((cpuSeconds.reduce((a, b) => a + b, 0) / cpuSeconds.length).toFixed(1)),
    export_max_abs_diff: result.export_max_abs_diff,
    latency_ms: {
      model_1_row: Number(latency.model_1_row_ms.toFixed(4)),
      model_10_rows: Number(latency.model_10_rows_ms.toFixed(4)),
      network_1_row: Number(latency.network_1_row_ms.toFixed(4)),
    },
    onnx_bytes: latency.onnx_bytes,
  }),
);
