// `npm run eval:dropout -- DIR`: the dropout model on OULAD (DIR holds its CSVs, see
// ../shared/datasets/oulad/SOURCE.md). Per cutoff day (30, 60, 90, 120): features known by then
// (registration; assessments due, submitted and scored by then), students already unregistered
// before it left out, label Withdrawn; train on the 2013 presentations, test on 2014. Logistic
// regression (baseline) and the production model (models/dropout/model.ts), both trained by the
// production code; each cutoff's model is exported to ONNX and checked in onnxruntime-web. The
// last line is JSON.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importTs, NODE_ORT } from "./import-ts.mjs";

const dir = process.argv[2];
if (!dir || process.argv.length !== 3) {
  console.error("usage: npm run eval:dropout -- DIR (the OULAD folder)");
  process.exit(2);
}
const m = await importTs(
  "eval-dropout",
  [
    'export { tensorflow } from "./models/tf/backend";',
    'export { parseOulad, OULAD_SPEC, OULAD_REGISTRATION_SPEC } from "./models/dropout/oulad";',
    'export { evaluateCutoff, OULAD_CUTOFFS } from "./models/dropout/evaluate";',
    'export { propensityOnnx } from "./models/onnx/propensity";',
    'export { verifyPropensity } from "./jobs/recs/verify";',
  ].join("\n"),
  NODE_ORT,
);
const read = (name) => readFileSync(join(dir, `${name}.csv`), "utf8");
const data = m.parseOulad({
  studentInfo: read("studentInfo"),
  studentRegistration: read("studentRegistration"),
  assessments: read("assessments"),
  studentAssessment: read("studentAssessment"),
  courses: read("courses"),
});
const tf = await m.tensorflow();
const json = { logistic_regression: {}, model: {}, registration_only: {} };
const f4 = (x) => x.toFixed(4);
console.log(
  "| cutoff day | train / test rows | test withdrawn | registration-only LR AUC | LR AUC | LR Brier | model AUC | model Brier | ONNX max diff |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const cutoff of m.OULAD_CUTOFFS) {
  const r = await m.evaluateCutoff(tf, data, cutoff, m.OULAD_SPEC, m.OULAD_REGISTRATION_SPEC);
  const sample = r.xTest.subarray(0, 256 * r.fitted.inputs);
  const check = await m.verifyPropensity(tf, r.fitted, m.propensityOnnx(r.fitted), sample);
  console.log(
    `| ${cutoff} | ${r.train} / ${r.test} | ${((r.testPositives / r.test) * 100).toFixed(1)}% | ${f4(r.registration_only.auc)} | ` +
      `${f4(r.logistic_regression.auc)} | ${f4(r.logistic_regression.brier)} | ${f4(r.model.auc)} | ${f4(r.model.brier)} | ` +
      `${check.maxAbsDiff.toExponential(1)} |`,
  );
  for (const key of Object.keys(json)) {
    json[key][cutoff] = { auc: Number(f4(r[key].auc)), brier: Number(f4(r[key].brier)) };
  }
}
const beats = m.OULAD_CUTOFFS.every((c) => json.model[c].auc > json.logistic_regression[c].auc);
console.log(`\nProduction model beats logistic regression (AUC) at every cutoff: ${beats ? "yes" : "NO"}`);
console.log(JSON.stringify(json));
