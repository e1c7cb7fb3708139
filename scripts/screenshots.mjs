// `npm run screenshots`: every page of the dashboard's navigation, on the demo data, in English and
// in Chinese, into docs/screenshots/<page>.<language>.png (shown in the README). Needs a build
// (`npm run build`) and Chromium; CJK text needs a CJK font (Debian: fonts-noto-cjk).
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { root } from "./local-env.mjs";
import { startDemoBrowser, whenDrawn } from "./local/demo-browser.mjs";

const OUT = resolve(root, "docs/screenshots");
const LANGUAGES = [
  { locale: "en-US", tag: "en" },
  { locale: "zh-CN", tag: "zh-CN" },
];

mkdirSync(OUT, { recursive: true });
const stack = await startDemoBrowser({ root, say: (line) => console.log(line) });
try {
  for (const { locale, tag } of LANGUAGES) {
    const { context, page } = await stack.signedInPage({ locale });
    // The navigation lists every page this person may see: take them all, in order.
    const hrefs = await page
      .locator("nav a[href^='/']")
      .evaluateAll((links) => [...new Set(links.map((a) => new URL(a.href).pathname))]);
    for (const href of hrefs) {
      await page.goto(new URL(href, stack.origin).href);
      await page.locator("main h1").first().waitFor();
      await whenDrawn(page);
      await page.waitForTimeout(300); // ECharts' entry animation
      const name = href === "/" ? "overview" : href.slice(1).replaceAll("/", "-");
      const file = resolve(OUT, `${name}.${tag}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`wrote ${file.slice(root.length + 1)}`);
    }
    await context.close();
  }
} finally {
  await stack.close();
}
