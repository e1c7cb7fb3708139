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

/** ONNX-ML (tree ensembles); version 3 is the one onnxruntime implements with opset 13. */
export const ML_DOMAIN = "ai.onnx.ml";
export const ML_OPSET = 3;

/** Node attributes: numbers become INTS or FLOATS lists, strings STRING. */
export function attribute(
  name: string,
  value:
    | { ints: readonly number[] }
    | { floats: readonly number[] }
    | { int: number }
    | { string: string }
    | { strings: readonly string[] },
): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ("ints" in value) return { name, type: T.INTS, ints: [...value.ints] };
  if ("floats" in value) return { name, type: T.FLOATS, floats: [...value.floats] };
  if ("int" in value) return { name, type: T.INT, i: value.int };
  if ("string" in value) return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
  return { name, type: T.STRINGS, strings: value.strings.map((s) => new TextEncoder().encode(s)) };
}

/**
 * Strings (names, docString) must stay under 40 characters: from 40 on, protobufjs writes them with
 * Buffer#utf8Write, which throws a RangeError under workerd's nodejs_compat Buffer.
 */
export function encodeModel(graph: onnx.IGraphProto, docString: string, ml = false): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: "wayfind",
    docString,
    opsetImport: [{ domain: "", version: OPSET }, ...(ml ? [{ domain: ML_DOMAIN, version: ML_OPSET }] : [])],
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
