// The propensity network as ONNX: MatMul + Add + Relu, then MatMul + Add + Sigmoid (or the
// logistic-regression half alone when there is no hidden layer).
import type { onnx } from "onnx-proto";
import type { Network } from "../propensity/network";
import { encodeModel, floatTensor, valueInfo } from "./proto";

export const NETWORK_INPUT = "features";
export const NETWORK_OUTPUT = "probability";

/**
 * Nodes and weights computing the network's log-odds times `scale` from NETWORK_INPUT into
 * `output`, names prefixed so several parts can share one graph.
 */
export function networkLogitGraph(
  net: Network,
  output: string,
  scale = 1,
  prefix = "",
): { node: onnx.INodeProto[]; initializer: onnx.ITensorProto[] } {
  const top = net.hidden > 0 ? net.hidden : net.inputs;
  const n = (name: string) => prefix + name;
  const hiddenNodes =
    net.hidden > 0
      ? [
          { opType: "MatMul", input: [NETWORK_INPUT, n("w1")], output: [n("h_raw")] },
          { opType: "Add", input: [n("h_raw"), n("b1")], output: [n("h_pre")] },
          { opType: "Relu", input: [n("h_pre")], output: [n("h")] },
        ]
      : [];
  // Scaling the output layer's weights scales the log-odds exactly as a Mul node would.
  const w2 = scale === 1 ? net.w2 : net.w2.map((w) => w * scale);
  const initializer = [
    floatTensor(n("w2"), [top, 1], w2),
    floatTensor(n("b2"), [1], Float32Array.of(net.b2 * scale)),
    ...(net.hidden > 0
      ? [floatTensor(n("w1"), [net.inputs, net.hidden], net.w1), floatTensor(n("b1"), [net.hidden], net.b1)]
      : []),
  ];
  const node = [
    ...hiddenNodes,
    { opType: "MatMul", input: [net.hidden > 0 ? n("h") : NETWORK_INPUT, n("w2")], output: [n("z_raw")] },
    { opType: "Add", input: [n("z_raw"), n("b2")], output: [output] },
  ];
  return { node, initializer };
}

export function networkOnnx(net: Network): Uint8Array {
  const { node, initializer } = networkLogitGraph(net, "z");
  return encodeModel(
    {
      name: net.hidden > 0 ? "propensity_mlp" : "propensity_logistic",
      initializer,
      input: [valueInfo(NETWORK_INPUT, ["batch", net.inputs])],
      output: [valueInfo(NETWORK_OUTPUT, ["batch", 1])],
      node: [...node, { opType: "Sigmoid", input: ["z"], output: [NETWORK_OUTPUT] }],
    },
    "Wayfind purchase propensity",
  );
}
