// The propensity network as ONNX: MatMul + Add + Relu, then MatMul + Add + Sigmoid (or the
// logistic-regression half alone when there is no hidden layer).
import type { Network } from "../propensity/network";
import { encodeModel, floatTensor, valueInfo } from "./proto";

export const NETWORK_INPUT = "features";
export const NETWORK_OUTPUT = "probability";

export function networkOnnx(net: Network): Uint8Array {
  const top = net.hidden > 0 ? net.hidden : net.inputs;
  const hiddenNodes =
    net.hidden > 0
      ? [
          { opType: "MatMul", input: [NETWORK_INPUT, "w1"], output: ["h_raw"] },
          { opType: "Add", input: ["h_raw", "b1"], output: ["h_pre"] },
          { opType: "Relu", input: ["h_pre"], output: ["h"] },
        ]
      : [];
  const initializer = [
    floatTensor("w2", [top, 1], net.w2),
    floatTensor("b2", [1], Float32Array.of(net.b2)),
    ...(net.hidden > 0
      ? [floatTensor("w1", [net.inputs, net.hidden], net.w1), floatTensor("b1", [net.hidden], net.b1)]
      : []),
  ];
  return encodeModel(
    {
      name: net.hidden > 0 ? "propensity_mlp" : "propensity_logistic",
      initializer,
      input: [valueInfo(NETWORK_INPUT, ["batch", net.inputs])],
      output: [valueInfo(NETWORK_OUTPUT, ["batch", 1])],
      node: [
        ...hiddenNodes,
        { opType: "MatMul", input: [net.hidden > 0 ? "h" : NETWORK_INPUT, "w2"], output: ["z_raw"] },
        { opType: "Add", input: ["z_raw", "b2"], output: ["z"] },
        { opType: "Sigmoid", input: ["z"], output: [NETWORK_OUTPUT] },
      ],
    },
    "Wayfind purchase propensity",
  );
}
