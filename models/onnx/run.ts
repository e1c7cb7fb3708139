// Running the exported graphs in onnxruntime-web: one place for the tensor plumbing, shared by
// serving (functions/recommend) and the export check (jobs/recs/verify.ts).
import { EASE_INPUTS, EASE_OUTPUTS } from "./ease";
import { MF_INPUTS, MF_OUTPUTS } from "./mf";
import { NETWORK_INPUT, NETWORK_OUTPUT } from "./network";
import { ort } from "./runtime";

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

/** Runs the EASE top-k graph for a history row (0 or 1 per item) with an additive mask. */
export async function runEase(
  session: ort.InferenceSession,
  history: Float32Array,
  mask: Float32Array,
  k: number,
): Promise<{ scores: Float32Array; items: number[] }> {
  const out = await session.run({
    [EASE_INPUTS.history]: new ort.Tensor("float32", history, [1, history.length]),
    [EASE_INPUTS.mask]: new ort.Tensor("float32", mask, [1, mask.length]),
    [EASE_INPUTS.k]: new ort.Tensor("int64", BigInt64Array.of(BigInt(k)), [1]),
  });
  const items = Array.from(out[EASE_OUTPUTS.items]!.data as BigInt64Array, Number);
  return { scores: out[EASE_OUTPUTS.scores]!.data as Float32Array, items };
}

export async function runNetwork(
  session: ort.InferenceSession,
  x: Float32Array,
  inputs: number,
): Promise<Float32Array> {
  const out = await session.run({ [NETWORK_INPUT]: new ort.Tensor("float32", x, [x.length / inputs, inputs]) });
  return out[NETWORK_OUTPUT]!.data as Float32Array;
}
