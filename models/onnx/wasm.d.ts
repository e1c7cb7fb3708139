// wrangler's CompiledWasm rule turns a .wasm import into a WebAssembly.Module.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

/** wrangler's default Data rule: a `.bin` file is imported as its bytes. */
declare module "*.bin" {
  const data: ArrayBuffer;
  export default data;
}
