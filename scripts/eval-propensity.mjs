// `npm run eval:propensity -- FILE --label COLUMN [--categorical A,B]`: stratified 5-fold
// cross-validation (seed 42) of the production propensity network against logistic regression,
// both trained by the production code (models/propensity) on each fold. Text columns are
// categorical; --categorical marks numeric codes as categories too. The last line is JSON.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { importTs } from "./import-ts.mjs";

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
  'export { tensorflow } from "./models/tf/backend"; export { parseTable, crossValidate } from "./models/propensity/evaluate"; export { DEFAULT_NETWORK_OPTIONS } from "./models/propensity/network";',
);
const categorical = values.categorical ? values.categorical.split(",").map((s) => s.trim()) : [];
const table = prop.parseTable(readFileSync(positionals[0], "utf8"), values.label, categorical);
const options = { ...prop.DEFAULT_NETWORK_OPTIONS, ...(values.epochs && { epochs: Number(values.epochs) }) };
const tf = await prop.tensorflow();
console.error(
  `${table.rows.length} rows; numeric: ${table.spec.numeric.join(", ")}; categorical: ${table.spec.categorical.join(", ")}`,
);
const result = await prop.crossValidate(tf, table.rows, table.labels, table.spec, options, (fold, r) =>
  console.error(
    `  fold ${fold + 1}: logistic AUC ${r.logistic_regression.auc.toFixed(4)}, model AUC ${r.model.auc.toFixed(4)}`,
  ),
);
const names = {
  logistic_regression: "logistic regression",
  model: `network (Dense ${options.hidden} relu, sigmoid; production)`,
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
const round = (m) => ({
  auc: Number(m.auc.toFixed(4)),
  f1: Number(m.f1.toFixed(4)),
  accuracy: Number(m.accuracy.toFixed(4)),
});
console.log(JSON.stringify({ logistic_regression: round(result.logistic_regression), model: round(result.model) }));
