// Loads the project's TypeScript in Node: esbuild bundles the named exports into .wayfind/tmp and
// we import the result. Packages are bundled too, from their ES module builds (mainFields), as
// wrangler does: tfjs-core's gradients register into the same copy of tfjs-core that trains.
import { resolve } from "node:path";
import { build } from "esbuild";
import { root } from "./local-env.mjs";

/** `options` are more esbuild options (external, plugins) for callers that need them. */
export async function importTs(name, source, options = {}) {
  const outfile = resolve(root, `.wayfind/tmp/${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    // tfjs-core asks for Node built-ins (util) with require() when it runs in Node.
    banner: {
      js: "import { createRequire as $createRequire } from 'node:module'; const require = $createRequire(import.meta.url);",
    },
    outfile,
    logLevel: "error",
    ...options,
  });
  return import(`${outfile}?t=${Date.now()}`);
}

/** esbuild options that swap the workerd ORT loader (models/onnx/runtime.ts) for the Node one. */
export const NODE_ORT = {
  external: ["onnxruntime-web"],
  plugins: [
    {
      name: "node-ort",
      setup: (b) =>
        b.onResolve({ filter: /runtime$/ }, (args) => {
          const target = resolve(args.resolveDir, args.path);
          return target === resolve(root, "models/onnx/runtime") ? { path: `${target}-node.ts` } : undefined;
        }),
    },
  ],
};
