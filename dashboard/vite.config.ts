// The dashboard's build: Preact + TypeScript by Vite into dist/dashboard, which the edge Worker
// serves through Workers Static Assets (wrangler.toml [assets]). `npm run build` runs it first.
// `npx vite --config dashboard/vite.config.ts` serves it with hot reload and proxies the Worker's
// paths to `npm start`'s Worker (WAYFIND_URL, default http://127.0.0.1:8787).
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const worker = process.env.WAYFIND_URL ?? "http://127.0.0.1:8787";
// Cookie writes must come from the Worker's own origin (CSRF check): the proxy presents it.
const proxy = { target: worker, changeOrigin: true, headers: { origin: new URL(worker).origin } };

export default defineConfig({
  root: import.meta.dirname,
  plugins: [preact()],
  build: {
    outDir: "../dist/dashboard",
    emptyOutDir: true,
    target: "es2022",
    // Hashed file names under /assets/ (cached for a year by public/_headers).
    assetsDir: "assets",
    reportCompressedSize: false,
    // The one big file is ECharts (about 560 KB, 190 KB gzip), loaded with the first chart only.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // ECharts' core and renderer in one chunk (loaded with the first chart); the chart types only
        // some pages draw (Sankey, heatmap, funnel, marked points) stay with those pages' chunks.
        manualChunks(id: string) {
          if (!/node_modules\/(echarts|zrender)\//.test(id)) return undefined;
          return /echarts\/lib\/(chart\/(sankey|heatmap|funnel)|component\/(visualMap|marker))/.test(id)
            ? undefined
            : "echarts";
        },
      },
    },
  },
  server: { proxy: { "/api": proxy, "/t.js": proxy, "/r": proxy, "/healthz": proxy } },
});
