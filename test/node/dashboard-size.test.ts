// The dashboard's first page stays small: the JS and CSS index.html loads before anything lazy
// (its entry, every module that entry imports statically, its stylesheets) is at most 150 KB gzip,
// and ECharts is not among it (it loads with the first chart). Reads dist/dashboard, which
// `npm run build` writes (`npm test` builds first).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  FIRST_PAGE_GZIP_BUDGET,
  firstPageGzip,
  initialFiles as initialFilesOf,
} from "../../scripts/local/dashboard-assets.mjs";

const dist = resolve(import.meta.dirname, "../../dist/dashboard");
/** What only ECharts carries, even minified: its public registry functions keep their names. */
const ECHARTS_MARKERS = [/registerPreprocessor/, /registerCoordinateSystem/];
const initialFiles = () => initialFilesOf(dist);

describe("the dashboard's first page", () => {
  it("was built (npm run build)", () => {
    expect(existsSync(resolve(dist, "index.html")), "run `npm run build` first").toBe(true);
  });

  it(`loads at most ${FIRST_PAGE_GZIP_BUDGET / 1024} KB of JS and CSS, gzipped`, () => {
    const { files, gzip } = firstPageGzip(dist);
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    expect(files.some((f) => f.endsWith(".css"))).toBe(true);
    console.log(`dashboard first page: ${(gzip / 1024).toFixed(1)} KB gzip in ${files.length} files`);
    expect(gzip).toBeLessThanOrEqual(FIRST_PAGE_GZIP_BUDGET);
  });

  it("does not carry ECharts, which sits in a chunk of its own", () => {
    for (const f of initialFiles().filter((f) => f.endsWith(".js"))) {
      const code = readFileSync(resolve(dist, `.${f}`), "utf8");
      for (const marker of ECHARTS_MARKERS) expect(code, `${f} contains ${marker}`).not.toMatch(marker);
    }
    // The check means something: a lazy chunk has them.
    const lazy = readdirSync(resolve(dist, "assets")).filter((f) => f.endsWith(".js"));
    const chart = lazy.filter((f) =>
      ECHARTS_MARKERS.every((m) => m.test(readFileSync(resolve(dist, "assets", f), "utf8"))),
    );
    expect(chart).toHaveLength(1);
    expect(initialFiles()).not.toContain(`/assets/${chart[0]}`);
  });
});
