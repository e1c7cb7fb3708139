// onnxruntime-web in Node (`npm run train`): Node may compile WebAssembly, so ORT loads its own
// wasm as usual. scripts/train.mjs substitutes this module for runtime.ts, the workerd loader.
import * as ort from "onnxruntime-web";

/** Creates an ORT session for model bytes, as runtime.ts does in workerd. */
export async function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  return ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
}

export { ort };
