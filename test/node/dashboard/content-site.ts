// The site behind the Pages and courses and the filters browser tests: eight learners over three
// days (two landing pages, three sources, CN and US, phones and desktops, a partner's referrals,
// purchases) and a course with three lessons, learning events and ratings; the built Workers and a
// signed-in owner's page (harness.ts); and the helpers both tests use to read a table's CSV export
// and to ask the query API for the figures it should show.
import { readFile } from "node:fs/promises";
import Papa from "papaparse";
import type { Page } from "playwright-core";
import {
  createSite,
  openPage,
  type OpenedPage,
  seedEvents,
  signIn,
  signInLink,
  type Stack,
  startStack,
  type TestSite,
} from "./harness";

const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

let stack: Stack;
let site: TestSite;
let page: Page;

export const localDay = (ms: number) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(ms);
export const to = localDay(Date.now());
export const from = localDay(Date.parse(`${to}T12:00:00Z`) - 29 * DAY);

/** Eight learners: two landing pages, three sources, CN and US, phones and desktops, one partner. */
function events(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const sources = [
    ["bilibili", "cpc", "launch", "banner-a"],
    ["bilibili", "cpc", "launch", "banner-b"],
    ["wechat", "social", "spring", "post"],
    ["baidu", "organic", "", ""],
  ] as const;
  for (let n = 1; n <= 8; n++) {
    const base = Date.now() - (n % 3) * DAY - 3 * HOUR + n * 60_000;
    const [source, medium, campaign, content] = sources[n % 4]!;
    const landing = n <= 5 ? "/courses/python" : "/blog/intro";
    const utm = `utm_source=${source}&utm_medium=${medium}${campaign ? `&utm_campaign=${campaign}` : ""}${
      content ? `&utm_content=${content}` : ""
    }`;
    const common = {
      user_id: `learner-${n}`,
      visitor_id: `v-${n}`,
      user_agent: UA,
      country: n % 2 ? "CN" : "US",
      screen: n % 3 === 0 ? "390x844" : "1440x900",
    };
    out.push({
      id: `pv${n}`,
      type: "pageview",
      ts: base,
      url: `https://academy.example.com${landing}?${utm}${n >= 7 ? "&ref=amy" : ""}`,
      engaged_ms: 20_000 * n,
      ...common,
    });
    out.push({
      id: `pv${n}b`,
      type: "pageview",
      ts: base + 60_000,
      url: "https://academy.example.com/courses/python/lesson-1",
      engaged_ms: 45_000,
      ...common,
    });
    if (n <= 5) {
      out.push({
        id: `pu${n}`,
        type: "purchase",
        ts: base + 120_000,
        order_id: `order-${n}`,
        revenue: 100 * n + 99,
        currency: "CNY",
        items: [{ id: "py", price: 100 * n + 99 }],
        ...common,
      });
    }
    // Learning: everyone who bought starts the course; fewer go on; two rate it.
    const learn = (i: number, type: string, props: Record<string, unknown>) =>
      out.push({
        id: `l${n}-${i}`,
        type,
        ts: base + (3 + i) * 60_000,
        props: { course_id: "py", ...props },
        ...common,
      });
    if (n <= 5) learn(0, "lesson_start", { lesson_id: "l1" });
    if (n <= 5) learn(1, "lesson_progress", { lesson_id: "l1", percent: n * 20 });
    if (n <= 4) learn(2, "lesson_complete", { lesson_id: "l1" });
    if (n <= 3) learn(3, "lesson_start", { lesson_id: "l2" });
    if (n <= 2) learn(4, "lesson_start", { lesson_id: "l3" });
    if (n <= 2) learn(5, "quiz_submit", { lesson_id: "l3", score: 50 + 30 * (n - 1), passed: n === 2 });
    if (n <= 2) learn(6, "rating", { stars: 3 + n });
  }
  return out;
}

/** The CSV the table captioned `caption` exports, parsed (header row → objects). */
export async function exported(caption: string): Promise<Record<string, string>[]> {
  const block = page.locator(".table-block", { has: page.locator("caption", { hasText: caption }) }).first();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    block.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const text = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
  return Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;
}

interface QueryAnswer {
  results: { dimensions: string[]; metrics: (number | null)[] }[];
}

/** POST /api/v1/query with the admin token: rows as {key, metric: value}. */
export async function query(body: Record<string, unknown>, metrics: readonly string[]) {
  const answer = await stack.admin<QueryAnswer>(`/api/v1/query?site_id=${site.id}`, { ...body, metrics });
  return answer.results.map((r) => ({
    key: r.dimensions[0] ?? "",
    ...Object.fromEntries(metrics.map((m, i) => [m, r.metrics[i] ?? null])),
  })) as ({ key: string } & Record<string, number | null>)[];
}

export const cell = (v: string | undefined) => (v === "" || v === undefined ? null : Number(v));
export const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key));

/** Visible text, aria labels, titles and placeholders of the page: none may be a catalog key. */
export async function untranslated(): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const texts: string[] = [];
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n.textContent ?? "");
    for (const el of doc.querySelectorAll("[aria-label],[title],[placeholder]"))
      for (const a of ["aria-label", "title", "placeholder"]) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    const key =
      /\b(?:nav|shell|common|errors|table|chart|filters|metrics|dimensions|content|acquisition|channels|portal|roi|models)\.[a-z_]+(?:\.[a-z_]+)*\b/;
    return texts.filter((t: string) => key.test(t));
  });
}

export const heading = () => page.locator("main h1").textContent();

/** Starts the Workers, seeds the site and signs its owner in (in beforeAll; afterAll closes `opened.context` and `stack`). */
export async function startContentSite(): Promise<{ stack: Stack; site: TestSite; opened: OpenedPage; page: Page }> {
  stack = await startStack();
  site = await createSite(stack);
  await stack.admin(`/api/v1/partners?site_id=${site.id}`, { type: "affiliate", name: "Amy Reviews", code: "amy" });
  await stack.admin(
    `/api/v1/items/py?site_id=${site.id}`,
    { title: "Python for analysts", price: 199, currency: "CNY" },
    "PUT",
  );
  await stack.admin(
    `/api/v1/items/py/lessons?site_id=${site.id}`,
    {
      modules: [
        {
          id: "m1",
          title: "Basics",
          lessons: [
            { id: "l1", title: "Welcome", type: "video", duration_seconds: 600 },
            { id: "l2", title: "Data frames", type: "article" },
            { id: "l3", title: "Check", type: "quiz" },
          ],
        },
      ],
    },
    "PUT",
  );
  await seedEvents(stack, site.id, events());
  const opened = await openPage(stack, { locale: "en-US" });
  page = opened.page;
  await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
  return { stack, site, opened, page };
}
