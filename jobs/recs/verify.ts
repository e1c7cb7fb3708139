// Every export is checked before it can be served: ORT (the serving runtime) must reproduce
// tfjs (the training runtime) on real inputs, or the model is rejected.
import type { Tf } from "../../models/tf/backend";
import { tfjsScores, type MfModel } from "../../models/recs/bpr";
import { topK } from "../../models/recs/metrics";
import { MF_INPUTS, MF_OUTPUTS } from "../../models/onnx/mf";
import { NETWORK_INPUT, NETWORK_OUTPUT } from "../../models/onnx/network";
import { tfjsPredict, type Network } from "../../models/propensity/network";
import { createSession, ort } from "../../models/onnx/runtime";

/** Largest |ORT - tfjs| accepted for a score or a probability. */
export const EXPORT_TOLERANCE = 1e-5;
const CHECK_USERS = 16;
const CHECK_K = 10;

/** Runs the MF top-k graph for a user with an additive mask. */
export async function runMf(
  session: ort.InferenceSession,
  user: number,
  mask: Float32Array,
  k: number,
): Promise<{ scores: Float32Array; items: number[] }> {
  const out = await session.run({
    [MF_INPUTS.user]: new ort.Tensor("int64", BigInt64Array.of(BigInt(user)), [1]),
    [MF_INPUTS.mask]: new ort.Tensor("float32", mask, [1, mask.length]),
    [MF_INPUTS.k]: new ort.Tensor("int64", BigInt64Array.of(BigInt(k)), [1]),
  });
  const items = Array.from(out[MF_OUTPUTS.items]!.data as BigInt64Array, Number);
  return { scores: out[MF_OUTPUTS.scores]!.data as Float32Array, items };
}

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

export async function runNetwork(
  session: ort.InferenceSession,
  x: Float32Array,
  inputs: number,
): Promise<Float32Array> {
  const out = await session.run({ [NETWORK_INPUT]: new ort.Tensor("float32", x, [x.length / inputs, inputs]) });
  return out[NETWORK_OUTPUT]!.data as Float32Array;
}

export async function verifyNetwork(
  tf: Tf,
  net: Network,
  onnx: Uint8Array,
  x: Float32Array,
): Promise<{ maxAbsDiff: number }> {
  const session = await createSession(onnx);
  const expected = tfjsPredict(tf, net, x);
  const actual = await runNetwork(session, x, net.inputs);
  let maxAbsDiff = 0;
  for (let i = 0; i < expected.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(actual[i]! - expected[i]!));
  await session.release();
  return { maxAbsDiff };
}
