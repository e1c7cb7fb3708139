// Matrix-factorisation scoring as ONNX: look up the learner's embedding, score every item,
// add the exclusion mask (0 or -inf per item), keep the top k. One ORT call per request.
import type { MfModel } from "../recs/bpr";
import { ELEM_INT64, encodeModel, floatTensor, topKNode, valueInfo } from "./proto";

export const MF_INPUTS = { user: "user", mask: "mask", k: "k" } as const;
export const MF_OUTPUTS = { scores: "scores", items: "items" } as const;

export function mfOnnx(model: MfModel): Uint8Array {
  const { dim, numUsers, numItems } = model;
  // Item factors stored transposed ([dim, items]) so the scores are one MatMul.
  const itemsT = new Float32Array(dim * numItems);
  for (let i = 0; i < numItems; i++) {
    for (let k = 0; k < dim; k++) itemsT[k * numItems + i] = model.itemFactors[i * dim + k]!;
  }
  return encodeModel(
    {
      name: "bpr_mf_topk",
      initializer: [
        floatTensor("user_factors", [numUsers, dim], model.userFactors),
        floatTensor("item_factors_t", [dim, numItems], itemsT),
        floatTensor("item_bias", [numItems], model.itemBias),
      ],
      input: [
        valueInfo(MF_INPUTS.user, [1], ELEM_INT64),
        valueInfo(MF_INPUTS.mask, [1, numItems]),
        valueInfo(MF_INPUTS.k, [1], ELEM_INT64),
      ],
      output: [valueInfo(MF_OUTPUTS.scores, [1, "k"]), valueInfo(MF_OUTPUTS.items, [1, "k"], ELEM_INT64)],
      node: [
        { opType: "Gather", input: ["user_factors", MF_INPUTS.user], output: ["embedding"], attribute: [axis0()] },
        { opType: "MatMul", input: ["embedding", "item_factors_t"], output: ["dots"] },
        { opType: "Add", input: ["dots", "item_bias"], output: ["raw_scores"] },
        { opType: "Add", input: ["raw_scores", MF_INPUTS.mask], output: ["masked"] },
        topKNode("masked", MF_INPUTS.k, MF_OUTPUTS.scores, MF_OUTPUTS.items),
      ],
    },
    "Wayfind BPR matrix factorisation, top-k",
  );
}

function axis0() {
  return { name: "axis", type: 2, i: 0 }; // AttributeProto.AttributeType.INT
}
