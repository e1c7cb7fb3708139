// `npm run eval:recs -- FILE [--epochs N] [--dim N]`: offline quality of the recommenders on an
// interaction log (MovieLens u.data or ratings.csv, or user_id,item_id,timestamp[,rating]).
// Per user the chronologically last 20% of positives (rating >= 4) are held out; every model
// ranks all items the user did not touch in training. Trained with the production code
// (models/recs), in one run. The last line of output is the figures as JSON.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { importTs } from "./import-ts.mjs";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { epochs: { type: "string" }, dim: { type: "string" } },
});
if (positionals.length !== 1) {
  console.error("usage: npm run eval:recs -- FILE [--epochs N] [--dim N]");
  process.exit(2);
}
const recs = await importTs(
  "eval-recs",
  'export { tensorflow } from "./models/tf/backend"; export { parseInteractions, evaluateRecommenders } from "./models/recs/evaluate"; export { DEFAULT_MF_OPTIONS } from "./models/recs/bpr";',
);
const options = {
  ...recs.DEFAULT_MF_OPTIONS,
  ...(values.epochs && { epochs: Number(values.epochs) }),
  ...(values.dim && { dim: Number(values.dim) }),
};
const interactions = recs.parseInteractions(readFileSync(positionals[0], "utf8"));
const tf = await recs.tensorflow();
console.error(`${interactions.length} interactions; BPR dim ${options.dim}, ${options.epochs} epochs`);
const result = await recs.evaluateRecommenders(tf, interactions, options, (e) =>
  process.stderr.write(`  epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, ${e.ms} ms\n`),
);
const names = { popularity: "popularity", item_knn: "item-kNN (cosine, 50 neighbours)", model: "BPR-MF (production)" };
const metrics = ["precision@10", "recall@10", "ndcg@10", "coverage"];
console.log(`\n${result.users} users, ${result.items} items, ${result.testUsers} users with held-out positives\n`);
console.log(`| model | ${metrics.join(" | ")} |`);
console.log(`|---|${metrics.map(() => "---:").join("|")}|`);
for (const [key, label] of Object.entries(names)) {
  console.log(`| ${label} | ${metrics.map((m) => result[key][m].toFixed(4)).join(" | ")} |`);
}
const ndcg = (key) => result[key]["ndcg@10"];
const msPerEpoch = result.epochs.reduce((s, e) => s + e.ms, 0) / Math.max(1, result.epochs.length);
console.log(
  `\nNDCG@10: model / popularity = ${(ndcg("model") / ndcg("popularity")).toFixed(2)}x, model / item-kNN = ${(ndcg("model") / ndcg("item_knn")).toFixed(2)}x; ${Math.round(msPerEpoch)} ms per epoch`,
);
const round = (m) => Object.fromEntries(metrics.map((k) => [k, Number(m[k].toFixed(4))]));
console.log(
  JSON.stringify({
    popularity: round(result.popularity),
    item_knn: round(result.item_knn),
    model: round(result.model),
  }),
);
