// `npm run render:sample`: renders a sample weekly ROI email with the production renderer and
// charts into docs/ (HTML with the charts as files beside it, the plain-text part, and the PNGs),
// so a reader of the README can see what marketers receive. The figures are a made-up week of a
// course business, not measurements. `--language en` or `--language zh-CN` renders one language;
// by default both (the Chinese files are sample-report.zh-CN.*). The chart PNGs are shared: they are
// drawn with DejaVu Sans, which has no CJK glyphs, so their labels stay English keys and numbers.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { importTs } from "./import-ts.mjs";
import { root } from "./local-env.mjs";

// The renderer and chart builders are TypeScript shared with the Worker: bundle them for Node.
const lib = await importTs(
  "render-sample-report",
  `export { renderHtml, renderText, CHART_CIDS } from "./jobs/reports/render";
               export { revenueCostSvg, roiByChannelSvg } from "./jobs/reports/charts";
               export { SECTIONS } from "./jobs/reports/data";
               export { t } from "./core/messages";`,
  { external: ["cloudflare:*"] },
);

await initWasm(readFileSync(resolve(root, "node_modules/@resvg/resvg-wasm/index_bg.wasm")));
const font = readFileSync(resolve(root, "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf"));
const png = (svg) =>
  new Resvg(svg, {
    fitTo: { mode: "width", value: 1200 },
    font: { fontBuffers: [font], defaultFontFamily: "DejaVu Sans", loadSystemFonts: false },
  })
    .render()
    .asPng();

const metrics = (revenue, cost, conversions, newCustomers) => ({
  sessions: 0,
  visitors: 0,
  conversions,
  new_customers: newCustomers,
  revenue,
  cost,
  roi: cost > 0 ? Math.round(((revenue - cost) / cost) * 10_000) / 10_000 : null,
  roas: cost > 0 ? Math.round((revenue / cost) * 10_000) / 10_000 : null,
  cac: cost > 0 && newCustomers > 0 ? Math.round((cost / newCustomers) * 100) / 100 : null,
  conversion_rate: null,
  aov: conversions > 0 ? Math.round((revenue / conversions) * 100) / 100 : null,
  ltv_30: null,
  ltv_90: null,
  payback_days: null,
});
const channels = [
  ["Paid Search", 18_940, 6_200, 38, 31],
  ["Organic Search", 12_415, 0, 29, 25],
  ["Organic Social", 9_980, 0, 21, 19],
  ["Paid Social", 8_470, 5_600, 17, 15],
  ["Affiliates", 6_120, 1_530, 12, 11],
  ["Email", 3_980, 300, 9, 4],
  ["Paid Video", 2_390, 3_100, 5, 5],
].map(([channel, r, c, n, nc]) => ({ channel, ...metrics(r, c, n, nc) }));
const sum = (k) => channels.reduce((t, c) => t + c[k], 0);
const days = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"];
const shape = [0.12, 0.14, 0.15, 0.13, 0.16, 0.17, 0.13];
const data = {
  site: { id: "site_demo", name: "Demo Academy", currency: "CNY" },
  model: "last_non_direct",
  from: days[0],
  to: days[6],
  previous: { from: "2026-11-09", to: "2026-11-15" },
  totals: metrics(sum("revenue"), sum("cost"), sum("conversions"), sum("new_customers")),
  previousTotals: metrics(55_210, 15_900, 118, 97),
  channels: [...channels].sort((a, b) => (b.roi ?? -Infinity) - (a.roi ?? -Infinity) || b.revenue - a.revenue),
  campaigns: [
    { campaign: "spring-sale", ...metrics(9_870, 3_400, 19, 16) },
    { campaign: "brand", ...metrics(9_070, 2_800, 19, 15) },
    { campaign: "answer-python", ...metrics(6_110, 0, 13, 12) },
    { campaign: "note-ds", ...metrics(3_870, 0, 8, 7) },
    { campaign: "weekly-42", ...metrics(3_980, 300, 9, 4) },
  ],
  partners: [
    { partner: "laowang", ...metrics(4_380, 1_095, 9, 8) },
    { partner: "ai-tutor", ...metrics(1_740, 435, 3, 3) },
  ],
  recommendations: { clicks: 412, purchases: 23, revenue: 7_380 },
  movers: [
    { channel: "Paid Search", revenue: 18_940, previous: 14_200, change: 4_740 },
    { channel: "Paid Video", revenue: 2_390, previous: 5_120, change: -2_730 },
    { channel: "Affiliates", revenue: 6_120, previous: 4_090, change: 2_030 },
  ],
  daily: days.map((day, i) => ({
    day,
    revenue: Math.round(sum("revenue") * shape[i]),
    cost: Math.round((sum("cost") * (shape[i] + 0.02)) / 1.14),
  })),
  issues: [],
  courses: [
    { name: "Python for data analysis / 3.2 Pandas joins", reasons: ["drop_off_high"], revenueAtStake: 2_140 },
    { name: "Excel in 21 days", reasons: ["engagement_falling", "stale_content"], revenueAtStake: 1_380 },
  ],
};

const out = resolve(root, "docs");
mkdirSync(out, { recursive: true });
const files = { revenueCost: "sample-report-revenue-cost.png", roiByChannel: "sample-report-roi-by-channel.png" };
writeFileSync(resolve(out, files.revenueCost), png(lib.revenueCostSvg(data.daily, "CNY")));
writeFileSync(resolve(out, files.roiByChannel), png(lib.roiByChannelSvg(data.channels)));
const flag = process.argv.indexOf("--language");
const languages = flag > 0 ? [process.argv[flag + 1]] : ["en", "zh-CN"];
for (const locale of languages) {
  if (locale !== "en" && locale !== "zh-CN") throw new Error(`--language en | zh-CN, not ${locale}`);
  const options = {
    title: lib.t(locale, "report.title.weekly", { site: locale === "zh-CN" ? "演示学院" : "Demo Academy" }),
    sections: lib.SECTIONS,
    unsubscribeUrl: "https://wayfind.example.com/u/sample",
    locale,
  };
  const sample = locale === "zh-CN" ? { ...data, site: { ...data.site, name: "演示学院" } } : data;
  const base = locale === "en" ? "sample-report" : `sample-report.${locale}`;
  // In the email the charts are inline parts (cid:); here they are the files beside the page.
  let html = lib.renderHtml(sample, options);
  for (const [key, cid] of Object.entries(lib.CHART_CIDS)) html = html.replace(`cid:${cid}`, files[key]);
  writeFileSync(resolve(out, `${base}.html`), html);
  writeFileSync(resolve(out, `${base}.txt`), lib.renderText(sample, options) + "\n");
  console.log(`wrote docs/${base}.html, docs/${base}.txt`);
}
console.log(`wrote ${Object.values(files).join(", ")}`);
