// The house's layers (README "Development → Layout"): each folder imports only from its own layer
// or the layers below it. `npm run lint:layers` (part of `npm test`) fails on any import that runs up.
//   dashboard → (the API over HTTP only)
//   functions → jobs → schema → models → core
// Only schema/ reaches D1 (drizzle's D1 driver); test/node/layers.test.ts also checks for raw D1 calls.
const LAYERS = ["core", "models", "schema", "jobs", "functions"];

/** A rule per layer: it may not import any layer above it. */
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-up`,
  comment: `${layer}/ sits below ${LAYERS.slice(i + 1).join(", ")}: move the shared code down instead.`,
  severity: "error",
  from: { path: `^${layer}/` },
  to: { path: `^(${LAYERS.slice(i + 1).join("|")}|dashboard)/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "core-imports-packages",
      comment: "core/ is pure shared vocabulary: no packages, nothing of ours above it.",
      severity: "error",
      from: { path: "^core/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "d1-outside-schema",
      comment: "Only schema/ talks to D1: add a query function there.",
      severity: "error",
      from: { path: "^(core|models|jobs|functions|dashboard)/" },
      to: { path: "node_modules/drizzle-orm/d1/" },
    },
    {
      name: "workers-import-each-other",
      comment: "The edge and recommend Workers share code only through functions/shared and the layers below.",
      severity: "error",
      from: { path: "^functions/(edge|recommend)/" },
      to: { path: "^functions/(edge|recommend)/", pathNot: "^functions/$1/" },
    },
    {
      name: "dashboard-imports-server-code",
      comment:
        "The dashboard is a browser app that talks to /api/v1 over HTTP: mirror the shape in dashboard/src/api/types.ts.",
      severity: "error",
      from: { path: "^dashboard/" },
      to: { path: "^(core|models|schema|jobs|functions)/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^(core|models|schema|jobs|functions)/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "(^|/)(node_modules|dist)/|\\.generated\\." },
  },
};
