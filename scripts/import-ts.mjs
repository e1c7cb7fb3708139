// Loads TypeScript from models/ in Node: esbuild bundles the named exports into .wayfind/tmp and
// we import the result. Packages are bundled too, from their ES module builds (mainFields), as
// wrangler does: tfjs-core's gradients register into the same copy of tfjs-core that trains.
import { resolve } from "node:path";
import { build } from "esbuild";
import { root } from "./local-env.mjs";

export async function importTs(name, source) {
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
  });
  return import(`${outfile}?t=${Date.now()}`);
}
