// The snippet's size budgets and its on-demand add-ons, in real headless Chromium against the built
// Workers: a plain page loads the core alone; a lesson video loads /t/elements.js, which reports
// lesson_start, lesson_progress at 25/50/75/100 % and lesson_complete once each, checked in D1 (the
// video is a real WebM recorded in the browser from a canvas, then served by the test site). A tap on
// a recommendation rendered after load counts, and credits the purchase, before the add-on arrives.
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEARNING_EVENT_TYPES } from "../../core/event";
import { ADD_ONS, SNIPPET_GZIP_BUDGET, SNIPPET_SOURCE } from "../../functions/snippet/bundle.generated";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";
import { startTestSite, type TagOptions } from "./site/server";

const root = resolve(import.meta.dirname, "../..");
const ADMIN = "snippet-addons-test-admin";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Headless Chromium says so in its user agent, which the collector drops as a bot.
const VISITOR_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";
type Row = Record<string, string | number | null>;
type PageGlobals = { document: any; wayfind?: (...a: unknown[]) => void };

let workers: Awaited<ReturnType<typeof startBuiltWorkers>>;
let site: Awaited<ReturnType<typeof startTestSite>>;
let browser: Browser;
let tag: (path: string) => TagOptions = () => ({ siteKey: "unset" });

async function admin(path: string, body?: unknown, method = body ? "POST" : "GET") {
  const res = await workers.mf.dispatchFetch(new URL(path, workers.url), {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as Record<string, string>;
}

/** A site whose catalog has course c1 with lessons l1 (the video) and l2 (a quiz). */
async function courseSite() {
  const created = await admin("/api/v1/sites", {
    name: "Lessons",
    domain: "localhost",
    allowed_origins: [site.origin],
  });
  const id = created.id!;
  await admin(`/api/v1/items/c1?site_id=${id}`, { title: "Course one", price: 100, currency: "CNY" }, "PUT");
  const lessons = await admin(
    `/api/v1/items/c1/lessons?site_id=${id}`,
    {
      modules: [
        {
          id: "m1",
          title: "Basics",
          lessons: [
            { id: "l1", title: "Intro", type: "video", duration_seconds: 2 },
            { id: "l2", title: "Check", type: "quiz" },
          ],
        },
      ],
    },
    "PUT",
  );
  if (!lessons.modules) throw new Error(`lessons not stored: ${JSON.stringify(lessons)}`);
  return { id, key: created.public_key! };
}

async function rows(siteId: string): Promise<Row[]> {
  const db = await workers.mf.getD1Database("DB");
  const { results } = await db
    .prepare("SELECT * FROM events WHERE site_id = ?1 ORDER BY ts, id")
    .bind(siteId)
    .all<Row>();
  return results;
}

/** Waits until `check` holds, then a little longer to catch any duplicate. */
async function settled(siteId: string, check: (r: Row[]) => boolean): Promise<Row[]> {
  for (let i = 0; i < 150 && !check(await rows(siteId)); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1500));
  return rows(siteId);
}

/** Records about 2 s of a changing canvas as WebM (VP8) in the browser: a real video file. */
async function recordWebm(): Promise<Buffer> {
  const page = await browser.newPage();
  const base64 = await page.evaluate(async () => {
    const g = globalThis as any;
    const canvas = g.document.createElement("canvas");
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext("2d");
    const recorder = new g.MediaRecorder(canvas.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e: { data: Blob }) => chunks.push(e.data);
    let frame = 0;
    const paint = setInterval(() => {
      ctx.fillStyle = `hsl(${frame++ * 9}, 80%, 50%)`;
      ctx.fillRect(0, 0, 64, 48);
    }, 40);
    recorder.start();
    await new Promise((r) => setTimeout(r, 2000));
    const stopped = new Promise((r) => (recorder.onstop = r));
    recorder.stop();
    await stopped;
    clearInterval(paint);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return g.btoa(binary) as string;
  });
  await page.close();
  return Buffer.from(base64, "base64");
}

/** The snippet's and its add-ons' requests a page makes, by path. */
function snippetRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path === "/t.js" || path.startsWith("/t/")) seen.push(path);
  });
  return seen;
}

/** Clicks the /courses page's Buy button and waits for its batch (sent by the 1 s timer) to leave. */
async function purchase(page: Page) {
  const sent = page.waitForRequest(
    (r) => r.url().endsWith("/api/collect") && (r.postData() ?? "").includes('"type":"purchase"'),
  );
  await page.click("#purchase");
  await sent;
}

const playToEnd = (page: Page) =>
  page.evaluate(async () => {
    const video = (globalThis as unknown as PageGlobals).document.getElementById("lesson");
    const ended = new Promise((r) => video.addEventListener("ended", r, { once: true }));
    video.currentTime = 0;
    await video.play();
    await ended;
    return video.duration as number;
  });

beforeAll(async () => {
  workers = await startBuiltWorkers({ root, adminToken: ADMIN, recommend: "stub", port: 0 });
  site = await startTestSite(workers.url.origin, (path) => tag(path));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [`--user-agent=${VISITOR_UA}`, "--no-sandbox", "--disable-gpu", "--no-first-run", "--mute-audio"],
  });
  site.files.set("/media/lesson.webm", { type: "video/webm", body: await recordWebm() });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await workers?.mf.dispose();
});

describe("the snippet's budgets and add-ons", () => {
  it("keeps the core and every add-on inside their named gzip budgets, and serves each add-on", async () => {
    expect(SNIPPET_GZIP_BUDGET).toBe(1536);
    expect(gzipSync(SNIPPET_SOURCE, { level: 9 }).byteLength).toBeLessThanOrEqual(SNIPPET_GZIP_BUDGET);
    expect(Object.keys(ADD_ONS).sort()).toEqual(["elements", "experiments", "options"]);
    for (const [name, addOn] of Object.entries(ADD_ONS)) {
      expect(gzipSync(addOn.source, { level: 9 }).byteLength, name).toBeLessThanOrEqual(addOn.budget);
      for (const prefix of ["", "/stats"]) {
        const res = await fetch(`${workers.url.origin}${prefix}/t/${name}.js`);
        expect(res.status, `${prefix}/t/${name}.js`).toBe(200);
        expect(res.headers.get("content-type")).toContain("javascript");
        expect(res.headers.get("etag")).toBe(`"${addOn.version}"`);
        expect(await res.text()).toBe(addOn.source);
      }
    }
    const unknown = await fetch(`${workers.url.origin}/t/nope.js`);
    expect(unknown.status).toBe(404);
  });

  it("loads add-ons only on pages that need them, elements rendered later included", async () => {
    const s = await courseSite();
    tag = (path) => ({ siteKey: s.key, attrs: path === "/courses" ? 'data-exclude="/private/*"' : "" });
    const page = await browser.newPage();
    const requests = snippetRequests(page);
    await page.goto(`${site.origin}/about`); // nothing tagged, no options
    await page.mouse.move(5, 5); // activity looks for tagged elements again: still none
    expect(requests).toEqual(["/t.js"]);
    // An element rendered later (a single-page app's view): the next sign of activity loads the add-on.
    await page.evaluate(async () => {
      const { document } = globalThis as unknown as PageGlobals;
      document.body.insertAdjacentHTML("beforeend", '<button id="late" data-wayfind-event="Late Button">Late</button>');
      document.dispatchEvent(new Event("scroll")); // the core looks, and adds the add-on's script, right here
      const script = document.querySelector('script[src$="/t/elements.js"]');
      await new Promise((r) => script.addEventListener("load", r)); // fires once it has run
    });
    await page.click("#late");
    expect(requests).toEqual(["/t.js", "/t/elements.js"]);
    await page.goto(`${site.origin}/courses`); // data-wayfind-event buttons and a data-exclude tag
    expect(requests.slice(2).sort()).toEqual(["/t.js", "/t/elements.js", "/t/options.js"]);
    await page.close();
    const events = await settled(s.id, (r) => r.some((e) => e.name === "Late Button"));
    expect(events.filter((e) => e.type === "custom" && e.name === "Late Button")).toHaveLength(1);
  });

  it("counts a tap on a recommendation rendered after load even when /t/elements.js has not arrived, and credits the purchase", async () => {
    const s = await courseSite();
    tag = () => ({ siteKey: s.key });
    const context = await browser.newContext({ hasTouch: true });
    // The elements add-on is held until the visitor is on the next page: it never arrives in time.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    await context.route(`${workers.url.origin}/t/elements.js`, async (route) => {
      await held;
      await route.continue().catch(() => {}); // its page is gone by then
    });
    const page = await context.newPage();
    const requests = snippetRequests(page);
    await page.goto(`${site.origin}/recs`);
    await page.waitForSelector("#late-rec"); // rendered after load; no activity before it
    await page.tap("#late-rec"); // touchstart asks for the add-on, the click follows at once and navigates
    await page.waitForURL("**/courses", { waitUntil: "domcontentloaded" }); // its own add-on is held too
    expect(requests.slice(0, 2)).toEqual(["/t.js", "/t/elements.js"]); // asked for, not arrived
    await purchase(page);
    release();
    await context.close();
    const events = await settled(s.id, (r) => r.some((e) => e.type === "purchase"));
    const recClicks = events.filter((e) => e.type === "click" && e.name === "Recommendation Click");
    expect(recClicks).toEqual([expect.objectContaining({ rec_id: "rec-late", path: "/recs" })]);
    expect(events.filter((e) => e.type === "purchase")).toEqual([
      expect.objectContaining({ order_id: "order-77", rec_id: "rec-late" }),
    ]);
  });

  it("sends a recommendation click once when /t/elements.js is already there", async () => {
    const s = await courseSite();
    tag = () => ({ siteKey: s.key });
    const page = await browser.newPage();
    await page.goto(`${site.origin}/recs`);
    await page.waitForSelector("#late-rec");
    await page.evaluate(async () => {
      const { document } = globalThis as unknown as PageGlobals;
      document.dispatchEvent(new Event("scroll")); // activity: the core finds the widget and adds the add-on
      const script = document.querySelector('script[src$="/t/elements.js"]');
      await new Promise((r) => script.addEventListener("load", r)); // fires once it has run (and plugged in)
    });
    await page.click("#recs-more"); // the add-on's own event
    await page.click("#late-rec");
    await page.waitForURL("**/courses");
    await purchase(page);
    await page.close();
    const events = await settled(s.id, (r) => r.some((e) => e.type === "purchase"));
    expect(events.filter((e) => e.type === "custom" && e.name === "Recs More")).toHaveLength(1);
    expect(events.filter((e) => e.type === "click" && e.name === "Recommendation Click")).toEqual([
      expect.objectContaining({ rec_id: "rec-late", path: "/recs" }),
    ]);
    expect(events.filter((e) => e.type === "purchase")).toEqual([expect.objectContaining({ rec_id: "rec-late" })]);
  });

  it("leaves recommendation clicks to /t/elements.js under an older core that does not send them", async () => {
    const page = await browser.newPage(); // about:blank: no CSP, so the add-on's source can run inline
    const sent = await page.evaluate(async (source) => {
      const g = globalThis as any;
      const calls: unknown[][] = [];
      const stored: Record<string, unknown> = {};
      const track = (...a: unknown[]) => calls.push(a);
      const store = (k: string, v?: unknown) => (v ? void (stored[k] = v) : stored[k]);
      // An older core calls the plugin with four arguments; the current one adds a fifth, 1.
      g.wayfind = (_command: string, plugin: (...a: unknown[]) => void) => plugin(track, {}, store, () => {});
      g.document.body.innerHTML = '<a id="r" href="#x" data-wayfind-rec="rec-old">Old</a>';
      const script = g.document.createElement("script");
      script.textContent = source;
      g.document.head.append(script);
      g.document.getElementById("r").click();
      return { calls, stored };
    }, ADD_ONS.elements!.source);
    await page.close();
    expect(sent).toEqual({
      calls: [["click", { name: "Recommendation Click", rec_id: "rec-old" }]],
      stored: { wf_rec: "rec-old" },
    });
  });

  it("sends every learning event type of core/event.ts from the JS API, and no other unknown command", async () => {
    tag = () => ({ siteKey: "wf_pk_learning_types" });
    const context = await browser.newContext();
    const sent: string[] = [];
    let learningSent = () => {};
    const collected = new Promise<void>((r) => (learningSent = r));
    await context.route(`${workers.url.origin}/api/collect`, async (route) => {
      const body = JSON.parse(route.request().postData() ?? "{}") as { events: { type: string }[] };
      sent.push(...body.events.map((e) => e.type));
      if (sent.includes("certificate")) learningSent();
      await route.fulfill({ status: 202, body: "{}", headers: { "access-control-allow-origin": "*" } });
    });
    const page = await context.newPage();
    await page.goto(`${site.origin}/about`);
    await page.evaluate(
      (types) => {
        const { wayfind } = globalThis as unknown as PageGlobals;
        for (const type of [...types, "lesson", "refund", "no_such_command"])
          wayfind!(type, { course_id: "c1", lesson_id: "l1" });
      },
      [...LEARNING_EVENT_TYPES],
    );
    await collected;
    await context.close();
    expect(sent.filter((t) => t !== "pageview" && t !== "custom")).toEqual([...LEARNING_EVENT_TYPES]);
  });

  it("reports a lesson video's start, 25/50/75/100 % and completion once each, and learning events from the JS API", async () => {
    const s = await courseSite();
    tag = () => ({ siteKey: s.key });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const requests = snippetRequests(page);
    await page.goto(`${site.origin}/lesson`);
    await page.waitForFunction(() => typeof (globalThis as unknown as PageGlobals).wayfind === "function");
    expect(await playToEnd(page)).toBeGreaterThan(1.5);
    expect(await playToEnd(page)).toBeGreaterThan(1.5); // watched again in the same page view: nothing new
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).wayfind!("quiz_submit", {
        course_id: "c1",
        lesson_id: "l2",
        score: 80,
        passed: true,
      }),
    );
    await page.close();
    expect(requests).toEqual(["/t.js", "/t/elements.js"]);

    const learning = (r: Row[]) => r.filter((e) => (LEARNING_EVENT_TYPES as readonly unknown[]).includes(e.type));
    const events = learning(await settled(s.id, (r) => learning(r).length >= 7));
    const props = (e: Row) => JSON.parse(e.props as string) as Record<string, unknown>;
    const label = (e: Row) => `${e.type}${props(e).percent === undefined ? "" : ` ${props(e).percent}`}`;
    // Two milestones crossed by one timeupdate share a millisecond: compare as a set, then order by time.
    expect(events.map(label).sort()).toEqual(
      [
        "lesson_start",
        "lesson_progress 25",
        "lesson_progress 50",
        "lesson_progress 75",
        "lesson_progress 100",
        "lesson_complete",
        "quiz_submit",
      ].sort(),
    );
    const at = (l: string) => Number(events.find((e) => label(e) === l)!.ts);
    expect(at("lesson_start")).toBeLessThanOrEqual(at("lesson_progress 25"));
    expect(at("lesson_progress 25")).toBeLessThan(at("lesson_progress 100")); // sent as it played, not at the end
    expect(at("lesson_progress 100")).toBeLessThanOrEqual(at("lesson_complete"));
    for (const e of events.filter((e) => e.type !== "quiz_submit"))
      expect(props(e)).toMatchObject({ course_id: "c1", lesson_id: "l1" });
    expect(props(events.find((e) => e.type === "quiz_submit")!)).toEqual({
      course_id: "c1",
      lesson_id: "l2",
      score: 80,
      passed: true,
    });
    expect(errors).toEqual([]);
  });
});
