// What the dashboard's first page costs: the JS and CSS index.html loads before anything lazy (its
// entry, every module that entry imports statically, its stylesheets), gzipped. One definition for
// the size test (test/node/dashboard-size.test.ts) and the bench (scripts/bench-dashboard.mjs).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";

/** The first page's budget (issue: at most 150 KB gzip of JS and CSS). */
export const FIRST_PAGE_GZIP_BUDGET = 150 * 1024;

/** Every file index.html loads up front: scripts and their static imports (recursively), styles. */
export function initialFiles(dist) {
  const html = readFileSync(resolve(dist, "index.html"), "utf8");
  const queue = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="(\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const seen = new Set();
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".js")) continue;
    const code = readFileSync(resolve(dist, `.${file}`), "utf8");
    // Static imports only (`import x from"./a.js"`, `import"./a.js"`); `import("./a.js")` is lazy.
    for (const m of code.matchAll(/\b(?:from|import)\s*["'](\.\.?\/[^"']+)["']/g)) {
      queue.push(new URL(m[1], `http://x${file}`).pathname);
    }
  }
  return [...seen];
}

export const gzipBytes = (dist, file) => gzipSync(readFileSync(resolve(dist, `.${file}`)), { level: 9 }).length;

/** The first page's JS + CSS, gzip -9, in bytes, and how many files that is. */
export function firstPageGzip(dist) {
  const files = initialFiles(dist);
  return { files, gzip: files.reduce((sum, f) => sum + gzipBytes(dist, f), 0) };
}
