// EASE scoring as ONNX: the learner's history row (1 x items, 0 or 1) times B, plus the exclusion
// mask (0 or -inf per item), then the top k. Unlike matrix factorisation there is no learner
// table: any learner with a history can be scored, including ones the model never saw.
import type { EaseModel } from "../recs/ease";
import { ELEM_INT64, encodeModel, floatTensor, topKNode, valueInfo } from "./proto";

export const EASE_INPUTS = { history: "history", mask: "mask", k: "k" } as const;
export const EASE_OUTPUTS = { scores: "scores", items: "items" } as const;

export function easeOnnx(model: EaseModel): Uint8Array {
  const n = model.numItems;
  return encodeModel(
    {
      name: "ease_topk",
      initializer: [floatTensor("b", [n, n], model.weights)],
      input: [
        valueInfo(EASE_INPUTS.history, [1, n]),
        valueInfo(EASE_INPUTS.mask, [1, n]),
        valueInfo(EASE_INPUTS.k, [1], ELEM_INT64),
      ],
      output: [valueInfo(EASE_OUTPUTS.scores, [1, "k"]), valueInfo(EASE_OUTPUTS.items, [1, "k"], ELEM_INT64)],
      node: [
        { opType: "MatMul", input: [EASE_INPUTS.history, "b"], output: ["raw_scores"] },
        { opType: "Add", input: ["raw_scores", EASE_INPUTS.mask], output: ["masked"] },
        topKNode("masked", EASE_INPUTS.k, EASE_OUTPUTS.scores, EASE_OUTPUTS.items),
      ],
    },
    "Wayfind EASE item-item model, top-k",
  );
}
