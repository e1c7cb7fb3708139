// onnxruntime-web inside workerd. workerd refuses to compile WebAssembly from bytes, so the .wasm
// is imported as a module that wrangler pre-compiles (CompiledWasm), and while ORT initialises we
// hand that module to its Emscripten loader. ORT then never fetches or compiles anything.
// See ../shared/notes/stack.md and README "Recommend Worker" for the size and cold-start cost.
import * as ort from "onnxruntime-web/wasm";
import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";

let ready: Promise<void> | undefined;

function initialise(): Promise<void> {
  ort.env.wasm.numThreads = 1; // no SharedArrayBuffer threads in Workers
  ort.env.wasm.proxy = false;
  // A placeholder binary makes ORT skip its fetch; the instantiate hook below swaps in the module.
  ort.env.wasm.wasmBinary = new Uint8Array(4);
  return Promise.resolve();
}

const originalInstantiate = WebAssembly.instantiate.bind(WebAssembly);

/** Creates an ORT session for model bytes; safe to call concurrently. */
export async function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  ready ??= initialise();
  await ready;
  const hook = ((source: unknown, imports?: WebAssembly.Imports) => {
    if (source instanceof WebAssembly.Module) return originalInstantiate(source, imports);
    return originalInstantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
  }) as typeof WebAssembly.instantiate;
  WebAssembly.instantiate = hook;
  try {
    return await ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
  } finally {
    WebAssembly.instantiate = originalInstantiate;
  }
}

export { ort };
