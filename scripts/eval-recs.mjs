// `npm run eval:recs -- FILE [--test FILE] [--sample FRACTION] [--seed N] [--epochs N] [--dim N]
// [--candidates a,b]`: offline quality of the production recommender pipeline on an interaction log
// (MovieLens u.data or ratings.csv, or user_id,item_id,timestamp[,rating]).
// Per user the chronologically last 20% of positives (rating >= 4) are held out (or, with --test,
// the positives of that file, e.g. MovieLens ua.base + ua.test). Selection runs on the training
// period alone, exactly as a retrain does; `model` is the candidate it chose. Every model ranks all
// items the user did not touch in training. --sample keeps a random share of the users (seeded), to
// check the figures on a different population. The last line of output is the figures as JSON.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { importTs } from "./import-ts.mjs";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    test: { type: "string" },
    sample: { type: "string" },
    seed: { type: "string", default: "1" },
    epochs: { type: "string" },
    dim: { type: "string" },
    candidates: { type: "string" },
  },
});
if (positionals.length !== 1) {
  console.error(
    "usage: npm run eval:recs -- FILE [--test FILE] [--sample FRACTION] [--seed N] [--epochs N] [--dim N] [--candidates a,b]",
  );
  process.exit(2);
}
const started = Date.now();
const recs = await importTs(
  "eval-recs",
  'export { tensorflow } from "./models/tf/backend"; export { parseInteractions, evaluateRecommenders } from "./models/recs/evaluate"; export { seededRandom } from "./models/random"; export { CANDIDATES } from "./models/recs/fit";',
);
const mf = {
  ...(values.epochs && { epochs: Number(values.epochs) }),
  ...(values.dim && { dim: Number(values.dim) }),
};
let interactions = recs.parseInteractions(readFileSync(positionals[0], "utf8"));
let test = values.test ? recs.parseInteractions(readFileSync(values.test, "utf8")) : undefined;
if (values.sample) {
  // A seeded share of the users, whole histories kept.
  const random = recs.seededRandom(Number(values.seed));
  const users = [...new Set(interactions.map((r) => r.user))].sort();
  const kept = new Set(users.filter(() => random() < Number(values.sample)));
  interactions = interactions.filter((r) => kept.has(r.user));
  test = test?.filter((r) => kept.has(r.user));
}
const candidates = values.candidates?.split(",").map((c) => c.trim());
const tf = await recs.tensorflow();
console.error(
  `${interactions.length} interactions${test ? ` (+ ${test.length} test)` : ""}; selecting among ${(candidates ?? recs.CANDIDATES).join(", ")}`,
);
const result = await recs.evaluateRecommenders(tf, interactions, { mf, candidates, test });
const s = result.selection;
for (const t of s.trials) {
  console.error(`  validation ${t.candidate} ${JSON.stringify(t.params)}: NDCG@10 ${t["ndcg@10"].toFixed(4)}`);
}
for (const [c, why] of Object.entries(s.skipped)) console.error(`  skipped ${c}: ${why}`);
const names = {
  popularity: "popularity",
  item_knn: "item-kNN (cosine)",
  ease: "EASE",
  mf: "BPR-MF",
};
const describe = (c) =>
  `${names[c]}${
    Object.keys(s.params[c] ?? {}).length
      ? ` (${Object.entries(s.params[c])
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")})`
      : ""
  }`;
const metrics = ["precision@10", "recall@10", "ndcg@10", "coverage"];
console.log(
  `\n${result.users} users, ${result.items} items, ${result.trainInteractions} training rows, ${result.testUsers} users with held-out positives`,
);
console.log(`selection: ${s.chosen} (${s.reason})\n`);
console.log(`| model | ${metrics.join(" | ")} |`);
console.log(`|---|${metrics.map(() => "---:").join("|")}|`);
const rows = Object.keys(names).filter((c) => result.holdout[c]);
for (const c of rows) {
  console.log(`| ${describe(c)} | ${metrics.map((m) => result.holdout[c][m].toFixed(4)).join(" | ")} |`);
}
console.log(
  `| **model: production pipeline, chose ${names[s.chosen]}** | ${metrics.map((m) => `**${result.holdout.model[m].toFixed(4)}**`).join(" | ")} |`,
);
const ndcg = (key) => result.holdout[key]?.["ndcg@10"] ?? NaN;
const baseline = Math.max(ndcg("popularity"), ndcg("item_knn"));
const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(
  `\nNDCG@10: model / popularity = ${(ndcg("model") / ndcg("popularity")).toFixed(2)}x, model / item-kNN = ${(ndcg("model") / ndcg("item_knn")).toFixed(2)}x, model / best baseline = ${(ndcg("model") / baseline).toFixed(3)}x; ${seconds} s in all`,
);
const round = (m) => Object.fromEntries(metrics.map((k) => [k, Number(m[k].toFixed(4))]));
console.log(
  JSON.stringify({
    chosen: s.chosen,
    params: s.params,
    seconds: Number(seconds),
    ...Object.fromEntries(rows.map((c) => [c, round(result.holdout[c])])),
    model: round(result.holdout.model),
  }),
);
