// Every export is checked before it can be served: ORT (the serving runtime) must reproduce
// tfjs (the training runtime) on real inputs, or the model is rejected.
import type { Tf } from "../../models/tf/backend";
import { tfjsScores, type MfModel } from "../../models/recs/bpr";
import { topK } from "../../models/recs/metrics";
import { referencePredict, type PropensityModel } from "../../models/propensity/model";
import { createSession } from "../../models/onnx/runtime";
import { runMf, runNetwork } from "../../models/onnx/run";

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
    const best = topK(expected, k);
    items.forEach((item, r) => {
      // Same scores at the same ranks; the items may differ only where tfjs has ties.
      maxAbsDiff = Math.max(
        maxAbsDiff,
        Math.abs(scores[r]! - expected[item]!),
        Math.abs(scores[r]! - expected[best[r]!]!),
      );
    });
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
