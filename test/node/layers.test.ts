// The house's layers hold: imports only point down (.dependency-cruiser.cjs), and only schema/ talks to D1.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const ruleSet = createRequire(import.meta.url)(resolve(root, ".dependency-cruiser.cjs"));

async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const result = await cruise(folders, { baseDir, ruleSet, validate: true, ...ruleSet.options }, undefined, {
    tsConfig: undefined,
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.includes(".generated.") ? [path] : [];
  });
}

describe("layers", () => {
  it("the product's imports all point down", async () => {
    expect(await violations(root, ["core", "models", "schema", "jobs", "functions"])).toEqual([]);
  });

  it("a wrong import fails the check", async () => {
    const found = await violations(resolve(root, "test/fixtures/layers"), ["functions", "jobs", "schema", "models"]);
    expect(found).toContain("jobs-imports-up: jobs/bad-job.ts -> functions/route.ts");
    expect(found).toContain("models-imports-up: models/bad-model.ts -> schema/query.ts");
    expect(found).toHaveLength(2);
  });

  it("no code outside schema/ runs D1 statements", () => {
    const d1Call = /\.(prepare|batch)\(|\bdrizzle\(/;
    const offenders = ["core", "models", "jobs", "functions"]
      .flatMap((folder) => sourceFiles(resolve(root, folder)))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${file.slice(root.length + 1)}:${i + 1}` }))
          .filter(({ line }) => d1Call.test(line) && !/^\s*(\/\/|\*)/.test(line))
          .map(({ at, line }) => `${at} ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
