// The snippet in real headless Chromium (Debian's chromium, driven by playwright-core) against the
// built Workers and a small local site under a strict CSP. Every event is checked in D1.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNIPPET_GZIP_BUDGET, SNIPPET_SOURCE } from "../../functions/snippet/bundle.generated";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";
import { startTestSite, type TagOptions } from "./site/server";

const root = resolve(import.meta.dirname, "../..");
const ADMIN = "snippet-test-admin";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
type Row = Record<string, string | number | null>;

let workers: Awaited<ReturnType<typeof startBuiltWorkers>>;
let site: Awaited<ReturnType<typeof startTestSite>>;
let browser: Browser;
let workerOrigin: string;
/** Which site key and data-* attributes each page's tag carries, switchable per test. */
let tag: (path: string) => TagOptions = () => ({ siteKey: "unset" });

async function admin(path: string, body?: unknown, method = body ? "POST" : "GET") {
  const res = await workers.mf.dispatchFetch(new URL(path, workers.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as Record<string, string>;
}

async function newSite(settings: Record<string, unknown> = {}) {
  const created = await admin("/api/v1/sites", {
    name: "Browser",
    domain: "localhost",
    allowed_origins: [site.origin],
    ...settings,
  });
  if (!created.id || !created.public_key) throw new Error(`site not created: ${JSON.stringify(created)}`);
  return { id: created.id, key: created.public_key };
}

async function rows(siteId: string, table: "events" | "sessions" = "events"): Promise<Row[]> {
  const db = await workers.mf.getD1Database("DB");
  const order = table === "events" ? "ts, id" : "started_at";
  const { results } = await db
    .prepare(`SELECT * FROM ${table} WHERE site_id = ?1 ORDER BY ${order}`)
    .bind(siteId)
    .all<Row>();
  return results;
}

/** Waits until `count` events are stored, then a little longer to catch any duplicate. */
async function settled(siteId: string, count: number): Promise<Row[]> {
  for (let i = 0; i < 150; i++) {
    if ((await rows(siteId)).length >= count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1500));
  return rows(siteId);
}

/**
 * Headless Chromium announces itself as HeadlessChrome, which isbot rightly drops: browse as a
 * person's Chrome. Set at launch, because beacons sent while a page unloads ignore per-page overrides.
 */
const VISITOR_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
const newContext = () => browser.newContext();

async function openPage(context?: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await (context ?? (await newContext())).newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { page, errors };
}

// Browser-side callbacks reach the page's globals through `globalThis` (this file is typed for Node).
type PageGlobals = { document: any; history: any; location: any; wayfind?: unknown; restoredFromBfcache?: boolean };

/** Headless pages are always "visible": switch the state the way a tab switch would. */
const hide = (page: Page, state: "hidden" | "visible") =>
  page.evaluate((s) => {
    const { document } = globalThis as unknown as PageGlobals;
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => s });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => s === "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);

beforeAll(async () => {
  workers = await startBuiltWorkers({ root, adminToken: ADMIN, recommend: "stub", port: 0 });
  workerOrigin = workers.url.origin;
  site = await startTestSite(workerOrigin, (path) => tag(path));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      `--user-agent=${VISITOR_UA}`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await workers?.mf.dispose();
});

describe("the snippet in Chromium", () => {
  it("stays inside its gzip budget (1.5 KB) and is served with caching headers", async () => {
    expect(gzipSync(SNIPPET_SOURCE, { level: 9 }).byteLength).toBeLessThanOrEqual(SNIPPET_GZIP_BUDGET);
    const res = await fetch(`${workerOrigin}/t.js`);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("cache-control")).toContain("max-age=3600");
    const pinned = await fetch(`${workerOrigin}/t/${res.headers.get("etag")!.replaceAll('"', "")}.js`);
    expect(pinned.headers.get("cache-control")).toContain("immutable");
  });

  it("multi-page: one page view per load, with referrer, title, screen and language; a UTM and partner landing holds for the session", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const { page, errors } = await openPage();
    await page.goto(`${site.origin}/?utm_source=zhihu&utm_medium=social&utm_campaign=answer-7&ref=laowang`);
    await page.click("#courses");
    await page.waitForURL("**/courses");
    await page.click("#about");
    await page.waitForURL("**/about");
    await page.close();
    const events = (await settled(s.id, 4)).filter((e) => e.type === "pageview");
    expect(events.map((e) => e.path)).toEqual(["/", "/courses", "/about"]);
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
    expect(events[1]).toMatchObject({
      referrer: `${site.origin}/?utm_source=zhihu&utm_medium=social&utm_campaign=answer-7&ref=laowang`,
      title: "Courses",
    });
    expect(events[0]!.screen).toMatch(/^\d+x\d+$/);
    expect(events[0]!.language).toBeTruthy();
    for (const e of events)
      expect(e).toMatchObject({
        source: "zhihu",
        medium: "social",
        campaign: "answer-7",
        channel: "Organic Social",
        partner_code: "laowang",
      });
    const [session] = await rows(s.id, "sessions");
    expect(session).toMatchObject({ source: "zhihu", partner_code: "laowang", pageviews: 3, landing_path: "/" });
    expect(errors).toEqual([]);
  });

  it("counts a reload once more, and a same-URL replaceState or a back/forward restore not at all", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const { page } = await openPage();
    await page.goto(`${site.origin}/courses`);
    await page.reload();
    await page.evaluate(() => {
      const { history, location } = globalThis as unknown as PageGlobals;
      history.replaceState({}, "", location.pathname);
    });
    await page.click("#about");
    await page.waitForURL("**/about");
    await page.goBack();
    await page.waitForURL("**/courses");
    const restored = await page.evaluate(() => (globalThis as unknown as PageGlobals).restoredFromBfcache === true);
    await page.close();
    const views = (await settled(s.id, 3)).filter((e) => e.type === "pageview").map((e) => e.path);
    // A back navigation served from the bfcache is the same view; one that reloads is a new view.
    expect(views).toEqual(
      restored ? ["/courses", "/courses", "/about"] : ["/courses", "/courses", "/about", "/courses"],
    );
  });

  it("single-page app: pushState, popstate and hash routes each count once", async () => {
    const s = await newSite();
    tag = (path) => ({ siteKey: s.key, attrs: path === "/hash" ? "data-hash" : "" });
    const { page } = await openPage();
    await page.goto(`${site.origin}/spa`);
    await page.click("#to-courses");
    await page.click("#to-course-1");
    await page.click("#replace-same");
    await page.goBack();
    await page.waitForURL("**/spa/courses");
    await page.goto(`${site.origin}/hash`);
    await page.click("#to-pricing");
    await page.waitForURL("**/hash#/pricing");
    await page.close();
    const views = (await settled(s.id, 6)).filter((e) => e.type === "pageview");
    expect(views.map((e) => e.path)).toEqual([
      "/spa",
      "/spa/courses",
      "/spa/courses/1",
      "/spa/courses",
      "/hash",
      "/hash#/pricing",
    ]);
  });

  it("counts engaged time only while the page is visible and the visitor active", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const { page } = await openPage();
    await page.clock.install({ time: Date.now() });
    await page.goto(`${site.origin}/about`);
    await page.waitForFunction(() => typeof (globalThis as unknown as PageGlobals).wayfind === "function");
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(10 + i, 10);
      await page.clock.runFor(2_500); // 10 s visible and active
    }
    await hide(page, "hidden");
    await page.clock.runFor(60_000); // hidden: not counted
    await hide(page, "visible");
    await page.mouse.move(50, 50);
    await page.clock.runFor(65_000); // visible but idle after this move: only 30 s count
    await hide(page, "hidden");
    await page.close();
    const engagement = (await settled(s.id, 3)).filter((e) => e.type === "engagement");
    expect(engagement.map((e) => e.path)).toEqual(["/about", "/about"]);
    const [first, second] = engagement.map((e) => Number(e.engaged_ms));
    expect(first).toBeGreaterThanOrEqual(9_900);
    expect(first).toBeLessThanOrEqual(10_500);
    expect(second).toBeGreaterThanOrEqual(29_900); // active for 30 s after the last move, then idle
    expect(second).toBeLessThanOrEqual(30_500);
    const [session] = await rows(s.id, "sessions");
    expect(Number(session!.engaged_ms)).toBe(first! + second!);
  });

  it("sends outbound, download, data-attribute, recommendation and JS API events exactly once", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const context = await newContext();
    await context.route("https://partner.example.org/**", (r) =>
      r.fulfill({ body: "partner", contentType: "text/html" }),
    );
    const { page, errors } = await openPage(context);
    await page.goto(`${site.origin}/`);
    await page.click("#rec"); // recommended course link -> /courses
    await page.waitForURL("**/courses");
    await page.click("#lead");
    await page.click("#signup");
    await page.click("#identify");
    await page.click("#purchase");
    await page.click("#download");
    await page.goto(`${site.origin}/courses`);
    await page.click("#outbound");
    await page.waitForURL("https://partner.example.org/**");
    await context.close();
    const events = await settled(s.id, 13);
    const named = (type: string, name?: string) =>
      events.filter((e) => e.type === type && (name === undefined || e.name === name));
    // Queued through the stub before t.js loaded, once per page load: /, /courses, /courses again.
    expect(named("custom", "Stub Before Load")).toHaveLength(3);
    expect(named("click", "Recommendation Click")).toEqual([expect.objectContaining({ rec_id: "rec-123", path: "/" })]);
    expect(named("custom", "Lead Form")).toEqual([
      expect.objectContaining({ props: JSON.stringify({ course: "py-101", plan: "annual" }) }),
    ]);
    expect(named("signup")).toEqual([expect.objectContaining({ user_id: "learner-42" })]);
    expect(named("custom", "identify")).toEqual([expect.objectContaining({ user_id: "learner-42" })]);
    expect(named("purchase")).toEqual([
      expect.objectContaining({
        order_id: "order-77",
        revenue_minor: 19900,
        currency: "CNY",
        rec_id: "rec-123",
        user_id: "learner-42",
      }),
    ]);
    expect(named("click", "File Download")).toEqual([
      expect.objectContaining({ props: JSON.stringify({ url: `${site.origin}/files/syllabus.pdf` }) }),
    ]);
    expect(named("click", "Outbound Link: Click")).toEqual([
      expect.objectContaining({ props: JSON.stringify({ url: "https://partner.example.org/offer" }) }),
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(errors).toEqual([]);
  });

  it("respects DNT when the tag asks, and only then", async () => {
    const s = await newSite();
    tag = (path) => ({ siteKey: s.key, attrs: path === "/about" ? "data-respect-dnt" : "" });
    const context = await newContext();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "doNotTrack", { get: () => "1" }));
    const { page } = await openPage(context);
    await page.goto(`${site.origin}/about`); // honours DNT: nothing sent
    await page.evaluate(() =>
      (globalThis as unknown as { wayfind: (...a: unknown[]) => void }).wayfind("event", "Still Quiet"),
    );
    await page.goto(`${site.origin}/courses`); // this tag does not ask: tracked
    await context.close();
    const events = await settled(s.id, 2);
    expect(events.map((e) => e.path)).toEqual(["/courses", "/courses"]); // page view + the stub's queued event
  });

  it("never breaks the host page: its own errors reach its own handler, and tracking goes on", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const { page, errors } = await openPage();
    await page.goto(`${site.origin}/broken`);
    await page.click("#host-throws");
    await page.waitForFunction(() => (globalThis as unknown as { hostErrors: string[] }).hostErrors.length > 0);
    const hostErrors = await page.evaluate(() => (globalThis as unknown as { hostErrors: string[] }).hostErrors);
    expect(hostErrors).toEqual([expect.stringContaining("host page bug")]);
    // No globals beyond `wayfind` (which the host's stub already created).
    const added = await page.evaluate(() => {
      const g = globalThis as unknown as { globalsBeforeSnippet: string[] } & Record<string, unknown>;
      return Object.keys(g).filter((k) => !g.globalsBeforeSnippet.includes(k) && k !== "globalsBeforeSnippet");
    });
    expect(added).toEqual([]);
    expect(await page.evaluate(() => typeof (globalThis as unknown as { wayfind: unknown }).wayfind)).toBe("function");
    // Bad API calls from the host are swallowed, not thrown back.
    await page.evaluate(() => {
      const wf = (globalThis as unknown as { wayfind: (...a: unknown[]) => void }).wayfind;
      wf("no-such-command");
      wf("purchase", null);
      wf("event");
    });
    await page.close();
    expect(errors).toEqual([expect.stringContaining("host page bug")]); // only the host's own error
    const events = await settled(s.id, 2);
    expect(events.filter((e) => e.type === "pageview").map((e) => e.path)).toEqual(["/broken"]);
  });

  it("is cookieless by default, and keeps one first-party id across pages in cookie mode", async () => {
    const plain = await newSite();
    tag = () => ({ siteKey: plain.key });
    const context = await newContext();
    const { page } = await openPage(context);
    await page.goto(`${site.origin}/`);
    await page.goto(`${site.origin}/about`);
    const storage = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { cookie: string }; localStorage: { length: number } };
      return { cookie: g.document.cookie, local: g.localStorage.length };
    });
    expect(storage).toEqual({ cookie: "", local: 0 });
    await context.close();

    const cookieSite = await newSite({ cookie_mode: true });
    tag = () => ({ siteKey: cookieSite.key, attrs: "data-cookie" });
    const context2 = await newContext();
    const { page: page2 } = await openPage(context2);
    await page2.goto(`${site.origin}/`);
    await page2.goto(`${site.origin}/about`);
    const cookies = await context2.cookies();
    expect(cookies.map((c) => c.name)).toEqual(["_wf_vid"]);
    await context2.close();
    const views = (await settled(cookieSite.id, 4)).filter((e) => e.type === "pageview");
    expect(views).toHaveLength(2);
    expect(views[0]!.visitor_id).toMatch(/^f_/);
    expect(views[1]!.visitor_id).toBe(views[0]!.visitor_id);
  });

  it("manual mode sends page views only when asked; excluded paths send nothing", async () => {
    const s = await newSite();
    tag = (path) => ({ siteKey: s.key, attrs: path === "/manual" ? "data-manual" : 'data-exclude="/private/*"' });
    const { page } = await openPage();
    await page.goto(`${site.origin}/manual`);
    await page.click("#manual-pageview");
    await page.goto(`${site.origin}/private/draft`);
    await page.goto(`${site.origin}/about`);
    await page.close();
    const events = await settled(s.id, 4); // per page: its view and the stub's queued event
    expect(events.filter((e) => e.type === "pageview").map((e) => e.path)).toEqual(["/manual", "/about"]);
    expect(events.filter((e) => e.path === "/private/draft")).toEqual([]);
  });

  it("retries once after a network failure, and drops a batch the endpoint refuses with 4xx", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const context = await newContext();
    let attempts = 0;
    await context.route(`${workerOrigin}/api/collect`, (route) =>
      ++attempts === 1 ? route.abort("connectionreset") : route.continue(),
    );
    const { page } = await openPage(context);
    await page.goto(`${site.origin}/about`);
    await page.waitForTimeout(4000); // 1 s batch + 2 s retry delay
    await context.close();
    expect(attempts).toBe(2);
    expect((await settled(s.id, 2)).filter((e) => e.type === "pageview")).toHaveLength(1);

    tag = () => ({ siteKey: "wf_pk_not_a_site" });
    const context2 = await newContext();
    let refused = 0;
    context2.on("request", (r) => r.url().endsWith("/api/collect") && refused++);
    const { page: page2 } = await openPage(context2);
    await page2.goto(`${site.origin}/about`);
    await page2.waitForTimeout(4000);
    await context2.close();
    expect(refused).toBe(1); // 401: not retried
  });

  it("drops a headless browser that says so, as a bot", async () => {
    const s = await newSite();
    tag = () => ({ siteKey: s.key });
    const context = await browser.newContext({
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0 Safari/537.36",
    });
    const { page } = await openPage(context);
    await page.goto(`${site.origin}/about`);
    await context.close();
    const db = await workers.mf.getD1Database("DB");
    let hits = 0;
    for (let i = 0; i < 100 && hits < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const row = await db
        .prepare("SELECT sum(hits) AS n FROM bot_hits WHERE site_id = ?1")
        .bind(s.id)
        .first<{ n: number | null }>();
      hits = row?.n ?? 0;
    }
    expect(hits).toBe(2); // its page view and the stub's event, counted
    expect(await rows(s.id)).toEqual([]); // and never stored as traffic
  });
});
