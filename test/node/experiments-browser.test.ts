// On-site experiments end to end in headless Chromium against the built Workers: the add-on
// (/t/experiments.js) assigns a sticky variant across pages and a reload, records one exposure per
// session, a purchase is credited to the variant in results, and the server's /assign agrees. Loaded
// with ?site=KEY it knows the statuses: a stopped experiment serves its winner and a draft its
// control, with no exposure recorded.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPOSURE_EVENT } from "../../core/experiment-assign";
import {
  ADD_ONS,
  EXPERIMENTS_SOURCE,
  SNIPPET_GZIP_BUDGET,
  SNIPPET_SOURCE,
} from "../../functions/snippet/bundle.generated";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";
import { startTestSite, type TagOptions } from "./site/server";

const root = resolve(import.meta.dirname, "../..");
const ADMIN = "experiments-test-admin";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const VISITOR_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
type Row = Record<string, string | number | null>;

let workers: Awaited<ReturnType<typeof startBuiltWorkers>>;
let site: Awaited<ReturnType<typeof startTestSite>>;
let browser: Browser;
let tag: (path: string) => TagOptions = () => ({ siteKey: "unset" });

async function call(path: string, body?: unknown, method = body ? "POST" : "GET") {
  const res = await workers.mf.dispatchFetch(new URL(path, workers.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as Record<string, unknown>;
}

async function rows(siteId: string): Promise<Row[]> {
  const db = await workers.mf.getD1Database("DB");
  const { results } = await db
    .prepare(`SELECT * FROM events WHERE site_id = ?1 ORDER BY ts, id`)
    .bind(siteId)
    .all<Row>();
  return results;
}

async function settled(siteId: string, check: (r: Row[]) => boolean): Promise<Row[]> {
  for (let i = 0; i < 150 && !check(await rows(siteId)); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1500)); // catch any duplicate
  return rows(siteId);
}

/** The page's variant, once t.js and the add-on have loaded (both deferred, in order). */
const variantOn = (page: Page) =>
  page.evaluate(async () => {
    const g = globalThis as unknown as { wayfind?: (...a: unknown[]) => unknown };
    for (
      let i = 0;
      i < 100 && typeof g.wayfind?.("experiment", "pricing-page", { variants: ["a", "b"] }) !== "string";
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
    return g.wayfind!("experiment", "pricing-page", { variants: ["a", "b"], weights: [0.5, 0.5] }) as string;
  });

beforeAll(async () => {
  workers = await startBuiltWorkers({ root, adminToken: ADMIN, recommend: "stub", port: 0 });
  site = await startTestSite(workers.url.origin, (path) => tag(path));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      `--user-agent=${VISITOR_UA}`,
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await workers?.mf.dispose();
});

describe("on-site experiments in Chromium", () => {
  it("keeps the core snippet inside its budget; the add-on is served separately", async () => {
    expect(gzipSync(SNIPPET_SOURCE, { level: 9 }).byteLength).toBeLessThanOrEqual(SNIPPET_GZIP_BUDGET);
    expect(gzipSync(EXPERIMENTS_SOURCE, { level: 9 }).byteLength).toBeLessThanOrEqual(ADD_ONS.experiments!.budget);
    const res = await fetch(`${workers.url.origin}/t/experiments.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
  });

  it("assigns a sticky variant, records one exposure per session, credits a purchase, and matches the server", async () => {
    const created = await call("/api/v1/sites", {
      name: "Exp",
      domain: "localhost",
      allowed_origins: [site.origin],
      cookie_mode: true,
    });
    const siteId = created.id as string;
    await call(`/api/v1/experiments?site_id=${siteId}`, { key: "pricing-page", name: "Pricing", variants: ["a", "b"] });
    await call(`/api/v1/experiments/pricing-page/start?site_id=${siteId}`, {});
    tag = () => ({ siteKey: created.public_key as string, attrs: "data-cookie", experiments: true });

    // Visitor 1: three page loads (two pages and a reload) in one session, then a purchase.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${site.origin}/`);
    const first = await variantOn(page);
    expect(["a", "b"]).toContain(first);
    await page.goto(`${site.origin}/about`);
    expect(await variantOn(page)).toBe(first);
    await page.reload();
    expect(await variantOn(page)).toBe(first);
    await page.evaluate(() =>
      (globalThis as unknown as { wayfind: (...a: unknown[]) => void }).wayfind("purchase", {
        order_id: "order-exp-1",
        revenue: 99,
        currency: "USD",
      }),
    );
    // Visitor 2 signs in first: the browser's variant is the server's for that user.
    const context2 = await browser.newContext();
    const page2 = await context2.newPage();
    await page2.goto(`${site.origin}/`);
    await page2.evaluate(() =>
      (globalThis as unknown as { wayfind: (...a: unknown[]) => void }).wayfind("identify", "learner-exp-7"),
    );
    const second = await variantOn(page2);
    const server = await call(`/api/v1/experiments/pricing-page/assign?site_id=${siteId}`, {
      user_id: "learner-exp-7",
    });
    expect(server.variant).toBe(second);
    await context.close();
    await context2.close();

    const exposures = (r: Row[]) => r.filter((e) => e.type === "custom" && e.name === EXPOSURE_EVENT);
    const events = await settled(siteId, (r) => exposures(r).length >= 2 && r.some((e) => e.type === "purchase"));
    expect(exposures(events)).toHaveLength(2); // one per session, though visitor 1 asked on three loads
    expect(exposures(events)[0]!.props).toBe(JSON.stringify({ experiment: "pricing-page", variant: first }));
    const results = (await call(`/api/v1/experiments/pricing-page/results?site_id=${siteId}`)) as {
      variants: string[];
      units: number[];
      metrics: { metric: string; means: number[] }[];
    };
    const i = results.variants.indexOf(first);
    expect(results.units.reduce((s, n) => s + n, 0)).toBe(2);
    expect(results.metrics[0]!.means[i]).toBeGreaterThan(0); // the purchase is credited to visitor 1's variant
    expect(errors).toEqual([]);
  });

  it("serves a stopped experiment's winner and a draft's control, and records no exposure for either", async () => {
    const created = await call("/api/v1/sites", {
      name: "Exp status",
      domain: "localhost",
      allowed_origins: [site.origin],
      cookie_mode: true,
    });
    const siteId = created.id as string;
    await call(`/api/v1/experiments?site_id=${siteId}`, { key: "pricing-page", name: "Pricing", variants: ["a", "b"] });
    await call(`/api/v1/experiments/pricing-page/start?site_id=${siteId}`, {});
    await call(`/api/v1/experiments/pricing-page/stop?site_id=${siteId}`, { winner: "b", decision: "Ship b" });
    await call(`/api/v1/experiments?site_id=${siteId}`, { key: "new-page", name: "New", variants: ["old", "new"] });
    tag = () => ({ siteKey: created.public_key as string, attrs: "data-cookie", experiments: true });

    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${site.origin}/`);
    expect(await variantOn(page)).toBe("b"); // the winner, for every visitor
    const draft = await page.evaluate(() =>
      (globalThis as unknown as { wayfind: (...a: unknown[]) => unknown }).wayfind("experiment", "new-page", {
        variants: ["old", "new"],
      }),
    );
    expect(draft).toBe("old"); // a draft serves control
    await page.goto(`${site.origin}/about`);
    expect(await variantOn(page)).toBe("b");
    await context.close();

    // Both page views land; no exposure does.
    const events = await settled(siteId, (r) => r.filter((e) => e.type === "pageview").length >= 2);
    expect(events.filter((e) => e.type === "pageview")).toHaveLength(2);
    expect(events.filter((e) => e.type === "custom" && e.name === EXPOSURE_EVENT)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
