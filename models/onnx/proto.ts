// Small helpers for building ONNX graphs in TypeScript with onnx-proto (opset 13, IR 8): no
// Python exporter, and the same code runs in Node and in workerd.
import { onnx } from "onnx-proto";

export const OPSET = 13;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;

export function floatTensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  // Copy: rawData must own exactly these bytes, not a view on a larger buffer.
  const bytes = new Uint8Array(values.byteLength);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return { name, dims, dataType: FLOAT, rawData: bytes };
}

export function int64Tensor(name: string, dims: number[], values: readonly number[]): onnx.ITensorProto {
  return { name, dims, dataType: INT64, int64Data: values.map((v) => v) };
}

export function valueInfo(name: string, dims: (number | string)[], elemType = FLOAT): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function encodeModel(graph: onnx.IGraphProto, docString: string): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "wayfind",
    docString,
    opsetImport: [{ domain: "", version: OPSET }],
    graph,
  };
  return onnx.ModelProto.encode(model).finish();
}

export const ELEM_INT64 = INT64;

const INT_ATTRIBUTE = 2; // AttributeProto.AttributeType.INT

/** The largest k of `input` along the last axis, sorted: the last node of every top-k graph. */
export function topKNode(input: string, k: string, scores: string, items: string): onnx.INodeProto {
  return {
    opType: "TopK",
    input: [input, k],
    output: [scores, items],
    attribute: [
      { name: "axis", type: INT_ATTRIBUTE, i: -1 },
      { name: "largest", type: INT_ATTRIBUTE, i: 1 },
      { name: "sorted", type: INT_ATTRIBUTE, i: 1 },
    ],
  };
}
