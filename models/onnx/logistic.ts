// Builds a logistic-regression ONNX model (MatMul + Add + Sigmoid, opset 13) from weights, in
// TypeScript: no Python exporter needed. Runs unchanged in Node and in workerd.
import { onnx } from "onnx-proto";

export const LOGISTIC_INPUT = "features";
export const LOGISTIC_OUTPUT = "probability";

function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Serialised ModelProto computing sigmoid(features · weights + bias) for a [batch, d] input. */
export function logisticRegressionOnnx(weights: readonly number[], bias: number): Uint8Array {
  const d = weights.length;
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "wayfind",
    opsetImport: [{ domain: "", version: 13 }],
    graph: {
      name: "logistic_regression",
      initializer: [
        floatTensor("weights", [d, 1], Float32Array.from(weights)),
        floatTensor("bias", [1], Float32Array.of(bias)),
      ],
      input: [valueInfo(LOGISTIC_INPUT, ["batch", d])],
      output: [valueInfo(LOGISTIC_OUTPUT, ["batch", 1])],
      node: [
        { opType: "MatMul", input: [LOGISTIC_INPUT, "weights"], output: ["logits_raw"] },
        { opType: "Add", input: ["logits_raw", "bias"], output: ["logits"] },
        { opType: "Sigmoid", input: ["logits"], output: [LOGISTIC_OUTPUT] },
      ],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

/** The same function in plain TypeScript: the reference ORT's output is checked against. */
export function logisticRegression(weights: readonly number[], bias: number, row: readonly number[]): number {
  let z = bias;
  for (let i = 0; i < weights.length; i++) z += weights[i]! * row[i]!;
  return 1 / (1 + Math.exp(-z));
}
