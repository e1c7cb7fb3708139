// Every export is checked before it can be served: ORT (the serving runtime) must reproduce the
// trained model (tfjs for MF and the network, the TypeScript scorer for EASE) on real inputs, or
// the model is rejected.
import type { Tf } from "../../models/tf/backend";
import { tfjsScores, type MfModel } from "../../models/recs/bpr";
import { topK } from "../../models/recs/metrics";
import { easeScores, historyRow, type EaseModel } from "../../models/recs/ease";
import { referencePredict, type PropensityModel } from "../../models/propensity/model";
import { createSession } from "../../models/onnx/runtime";
import { runEase, runMf, runNetwork } from "../../models/onnx/run";

/** Largest |ORT - tfjs| accepted for a score or a probability. */
export const EXPORT_TOLERANCE = 1e-5;
const CHECK_USERS = 16;
const CHECK_K = 10;

export async function verifyMf(tf: Tf, model: MfModel, onnx: Uint8Array): Promise<{ maxAbsDiff: number }> {
  const session = await createSession(onnx);
  const k = Math.min(CHECK_K, model.numItems);
  const users = Array.from({ length: Math.min(CHECK_USERS, model.numUsers) }, (_, i) => i);
  const reference = tfjsScores(tf, model, users);
  let maxAbsDiff = 0;
  const mask = new Float32Array(model.numItems);
  for (const u of users) {
    const expected = reference.subarray(u * model.numItems, (u + 1) * model.numItems);
    const { scores, items } = await runMf(session, u, mask, k);
    maxAbsDiff = Math.max(maxAbsDiff, topKGap(expected, scores, items, k));
  }
  await session.release();
  return { maxAbsDiff };
}

/** Largest gap between ORT's top-k scores and the TypeScript scores at the same ranks. */
function topKGap(expected: Float32Array, scores: Float32Array, items: number[], k: number): number {
  const best = topK(expected, k);
  let gap = 0;
  items.forEach((item, r) => {
    // Same scores at the same ranks; the items may differ only where the reference has ties.
    gap = Math.max(gap, Math.abs(scores[r]! - expected[item]!), Math.abs(scores[r]! - expected[best[r]!]!));
  });
  return gap;
}

/** EASE: ORT on real learners' history rows against the TypeScript scorer on the same weights. */
export async function verifyEase(
  model: EaseModel,
  onnx: Uint8Array,
  histories: readonly Int32Array[],
): Promise<{ maxAbsDiff: number }> {
  const session = await createSession(onnx);
  const k = Math.min(CHECK_K, model.numItems);
  const mask = new Float32Array(model.numItems);
  let maxAbsDiff = 0;
  for (const history of histories.slice(0, CHECK_USERS)) {
    const { scores, items } = await runEase(session, historyRow(history, model.numItems), mask, k);
    maxAbsDiff = Math.max(maxAbsDiff, topKGap(easeScores(model, history), scores, items, k));
  }
  await session.release();
  return { maxAbsDiff };
}

/** The propensity export (trees + network) against tfjs and the TypeScript trees. */
export async function verifyPropensity(
  tf: Tf,
  model: PropensityModel,
  onnx: Uint8Array,
  x: Float32Array,
): Promise<{ maxAbsDiff: number }> {
  const session = await createSession(onnx);
  const expected = referencePredict(tf, model, x);
  const actual = await runNetwork(session, x, model.inputs);
  let maxAbsDiff = 0;
  for (let i = 0; i < expected.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(actual[i]! - expected[i]!));
  await session.release();
  return { maxAbsDiff };
}
