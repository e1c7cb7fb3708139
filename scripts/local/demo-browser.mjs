// The demo in a browser, for scripts (screenshots, the dashboard bench): the built Workers with the
// dashboard served as static assets (as deployed), the demo site seeded through the API as
// `npm start` does, its owner signed in through a one-time link, and headless Chromium.
import { chromium } from "playwright-core";
import { startBuiltWorkers } from "../run-bundle.mjs";
import { ensureDemo } from "./demo.mjs";

const ADMIN = "demo-browser-admin";
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Starts the stack and seeds the demo. `train: false` skips model training (the pages that need a
 * model then show their empty state).
 */
export async function startDemoBrowser({ root, train = false, say = () => {} }) {
  const { mf, url } = await startBuiltWorkers({ root, adminToken: ADMIN, port: 0 });
  const request = (path, init) => mf.dispatchFetch(new URL(path, url), init);
  const demo = await ensureDemo({ url: url.origin, request, adminToken: ADMIN, train, say });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  return {
    origin: url.origin,
    demo,
    /** A fresh one-time sign-in link for the demo's owner. */
    async signInLink() {
      const res = await request("/api/v1/users", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "founder@demo.wayfind.local", site_ids: [demo.demo_site_id] }),
      });
      if (!res.ok) throw new Error(`POST /api/v1/users: ${res.status} ${await res.text()}`);
      return (await res.json()).sign_in_url;
    },
    /** A signed-in page in `locale` (which sets the dashboard's default language). */
    async signedInPage({ locale = "en-US", viewport = { width: 1280, height: 900 } } = {}) {
      const context = await browser.newContext({ locale, viewport });
      const page = await context.newPage();
      await page.goto(await this.signInLink());
      await page.waitForURL((u) => !u.searchParams.has("token") && !u.pathname.startsWith("/login"));
      await page.locator("main h1").first().waitFor();
      return { context, page };
    },
    async close() {
      await browser.close();
      await mf.dispose();
    },
  };
}

/** Resolves when `page` has nothing loading and every chart has drawn its SVG. */
export async function whenDrawn(page, timeout = 60_000) {
  await page.waitForFunction(
    () => {
      const main = document.querySelector("main");
      if (!main || main.querySelector(".loading")) return false;
      const charts = [...main.querySelectorAll(".chart-canvas")];
      return charts.every((c) => c.querySelector("svg path"));
    },
    undefined,
    { timeout, polling: 50 },
  );
}
