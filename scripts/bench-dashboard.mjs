// Dashboard figures for `npm run bench`: what the first page and the chart chunk weigh (gzip), and
// the time from navigation to a fully drawn Overview in headless Chromium on the demo data, beside
// the time of the Overview's own API calls in the same page loads (resource timing).
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { firstPageGzip, gzipBytes } from "./local/dashboard-assets.mjs";
import { startDemoBrowser, whenDrawn } from "./local/demo-browser.mjs";

const LOADS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchDashboard(root) {
  const dist = resolve(root, "dist/dashboard");
  const first = firstPageGzip(dist);
  const chunks = readdirSync(resolve(dist, "assets")).filter((f) => f.endsWith(".js"));
  const largestLazy = Math.max(
    ...chunks.filter((f) => !first.files.includes(`/assets/${f}`)).map((f) => gzipBytes(dist, `/assets/${f}`)),
  );
  const stack = await startDemoBrowser({ root });
  const drawn = [];
  const api = [];
  try {
    const { page } = await stack.signedInPage();
    for (let i = 0; i < LOADS; i++) {
      // A full navigation each time (cold JS heap, warm HTTP cache: a returning founder).
      await page.goto(`${stack.origin}/?bench=${i}`);
      await whenDrawn(page);
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const calls = performance
          .getEntriesByType("resource")
          .filter((r) => /\/api\/v1\/(reports|realtime)/.test(r.name));
        return {
          drawn: performance.now() - (nav?.startTime ?? 0),
          // The API's share: from the first call's start to the last call's end.
          api: calls.length
            ? Math.max(...calls.map((c) => c.responseEnd)) - Math.min(...calls.map((c) => c.startTime))
            : 0,
        };
      });
      drawn.push(t.drawn);
      api.push(t.api);
    }
  } finally {
    await stack.close();
  }
  return {
    firstPageGzip: first.gzip,
    firstPageFiles: first.files.length,
    largestLazyGzip: largestLazy,
    drawnMs: median(drawn),
    apiMs: median(api),
    loads: LOADS,
  };
}
