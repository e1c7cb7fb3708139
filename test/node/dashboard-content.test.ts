// Pages and courses, and Acquisition's filters, in headless Chromium against the built Workers: each
// table shows what the API gives for the same filters and dates (read back through the table's own
// CSV export, with the expected figures asked of the API here), Acquisition's filters and drill-down
// live in the URL (a reload keeps them and the figures), switching zh-CN ↔ en leaves no catalog key,
// axe-core finds no serious or critical violation, and a member who is also a partner is offered
// the portal. The harness is test/node/dashboard/harness.ts.
import { readFile } from "node:fs/promises";
import Papa from "papaparse";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  createSite,
  openPage,
  type OpenedPage,
  seedEvents,
  signIn,
  signInLink,
  type Stack,
  startStack,
  type TestSite,
} from "./dashboard/harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

let stack: Stack;
let site: TestSite;
let opened: OpenedPage;
let page: Page;

const localDay = (ms: number) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(ms);
const to = localDay(Date.now());
const from = localDay(Date.parse(`${to}T12:00:00Z`) - 29 * DAY);

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
async function exported(caption: string): Promise<Record<string, string>[]> {
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
async function query(body: Record<string, unknown>, metrics: readonly string[]) {
  const answer = await stack.admin<QueryAnswer>(`/api/v1/query?site_id=${site.id}`, { ...body, metrics });
  return answer.results.map((r) => ({
    key: r.dimensions[0] ?? "",
    ...Object.fromEntries(metrics.map((m, i) => [m, r.metrics[i] ?? null])),
  })) as ({ key: string } & Record<string, number | null>)[];
}

const cell = (v: string | undefined) => (v === "" || v === undefined ? null : Number(v));
const byKey = <T extends { key: string }>(rows: T[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key));

/** Visible text, aria labels, titles and placeholders of the page: none may be a catalog key. */
async function untranslated(): Promise<string[]> {
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

const heading = () => page.locator("main h1").textContent();

beforeAll(async () => {
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
  opened = await openPage(stack, { locale: "en-US" });
  page = opened.page;
  await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
}, 180_000);

afterAll(async () => {
  await opened?.context.close();
  await stack?.close();
});

const PAGE_METRICS = ["visitors", "visits", "engaged_time", "conversions", "conversion_rate", "revenue"] as const;

describe("Pages and courses", () => {
  it("lists landing pages, then every course page, with the API's figures for the same dates", async () => {
    for (const [url, dimension, caption, filters] of [
      ["/content", "visit:entry_page", "Landing pages", []],
      [
        "/content?view=all&path=%2Fcourses%2F",
        "event:page",
        "Pages viewed",
        [["contains", "event:page", ["/courses/"]]],
      ],
    ] as const) {
      await page.goto(`${stack.origin}${url}`);
      await expect.poll(heading).toBe("Pages and courses");
      const csv = await exported(caption);
      const api = await query({ dimensions: [dimension], filters, date_range: [from, to] }, PAGE_METRICS);
      expect(api.length).toBeGreaterThan(0);
      expect(
        byKey(
          csv.map((r) => ({
            key: r.Page!,
            visitors: cell(r.Visitors),
            visits: cell(r.Sessions),
            engaged_time: cell(r["Engaged time per visit"]),
            conversions: cell(r.Purchases),
            conversion_rate: cell(r["Conversion rate"]),
            revenue: cell(r.Revenue),
          })),
        ),
        url,
      ).toEqual(
        byKey(api.map((r) => ({ ...r, conversion_rate: r.conversion_rate == null ? null : r.conversion_rate / 100 }))),
      );
    }
    // Every page viewed, filtered to course pages: the blog is not among them.
    expect(await page.locator("main table").first().textContent()).not.toContain("/blog/intro");
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows each course's figures, what needs attention, and one course lesson by lesson, as the API does", async () => {
    await page.goto(`${stack.origin}/content`);
    const list = await stack.admin<{
      data: { course_id: string; title: string; enrolments: number; completion_rate: number | null; revenue: number }[];
    }>(`/api/v1/courses?site_id=${site.id}&days=30`);
    expect(list.data.map((c) => c.course_id)).toEqual(["py"]);
    const csv = await exported("Courses");
    expect(
      csv.map((r) => ({
        title: r.Course,
        enrolments: cell(r.Enrolments),
        completion_rate: cell(r["Completion rate"]),
        revenue: cell(r.Revenue),
      })),
    ).toEqual(
      list.data.map((c) => ({
        title: c.title,
        enrolments: c.enrolments,
        completion_rate: c.completion_rate,
        revenue: c.revenue,
      })),
    );
    const attention = await stack.admin<{ data: { course_title: string; revenue_at_stake: number }[] }>(
      `/api/v1/courses/attention?site_id=${site.id}&days=30`,
    );
    if (attention.data.length === 0) await page.getByText("Nothing needs attention").waitFor();
    else
      expect((await exported("Needs attention")).map((r) => cell(r["Revenue at stake"]))).toEqual(
        attention.data.map((a) => a.revenue_at_stake),
      );

    // Open the course: its URL says so, and its lessons are the API's.
    await page.getByRole("button", { name: "Python for analysts" }).first().click();
    await page.waitForURL((u) => u.searchParams.get("course") === "py");
    const one = await stack.admin<{
      data: {
        enrolments: number;
        quiz_pass_rate: number | null;
        ratings: { average: number | null };
        lessons: {
          title: string;
          learners: number;
          drop_off_rate: number | null;
          quiz: { pass_rate: number } | null;
        }[];
      };
    }>(`/api/v1/courses/py?site_id=${site.id}&days=30`);
    expect(one.data.lessons.map((l) => l.learners)).toEqual([5, 3, 2]);
    const lessons = await exported("Lessons");
    expect(
      lessons.map((r) => ({
        title: r.Lesson,
        learners: cell(r.Learners),
        drop_off: cell(r["Drop-off"]),
        pass: cell(r["Quiz pass rate"]),
      })),
    ).toEqual(
      one.data.lessons.map((l) => ({
        title: l.title,
        learners: l.learners,
        drop_off: l.drop_off_rate,
        pass: l.quiz?.pass_rate ?? null,
      })),
    );
    for (const [kpi, value] of [
      ["enrolments", one.data.enrolments],
      ["quiz_pass_rate", one.data.quiz_pass_rate],
      ["rating", one.data.ratings.average],
    ] as const) {
      expect(await page.locator(`[data-kpi="${kpi}"]`).getAttribute("data-value"), kpi).toBe(String(value ?? ""));
    }
    // The drop-off funnel and the watch-through curve.
    await page.locator(".chart-canvas svg").nth(1).waitFor();
    // A reload opens the same course.
    await page.reload();
    await page.locator("caption", { hasText: "Lessons" }).waitFor({ state: "attached" });
    expect(await axeViolations(page)).toEqual([]);
  });
});

const ACQ_METRICS = [
  "visitors",
  "visits",
  "conversions",
  "conversion_rate",
  "revenue",
  "average_order_value",
  "cost",
  "roi",
  "roas",
] as const;

describe("Acquisition filters", () => {
  /** The table's CSV against the API's rows for `dimension` under `filters`. */
  async function expectTable(caption: string, label: string, dimension: string, filters: unknown[]) {
    const csv = await exported(caption);
    const api = await query({ dimensions: [dimension], filters, date_range: [from, to] }, ACQ_METRICS);
    expect(
      byKey(
        csv.map((r) => ({
          key: r[label]!,
          visitors: cell(r.Visitors),
          conversions: cell(r.Purchases),
          revenue: cell(r.Revenue),
          cost: cell(r.Cost),
        })),
      ),
      `${dimension} ${JSON.stringify(filters)}`,
    ).toEqual(
      byKey(
        api.map((r) => ({
          key: r.key,
          visitors: r.visitors,
          conversions: r.conversions,
          revenue: r.revenue,
          cost: r.cost,
        })),
      ),
    );
    return api;
  }

  it("applies country and device to every figure, keeps them in the URL through a reload, and drills down", async () => {
    await page.goto(`${stack.origin}/acquisition`);
    await expect.poll(heading).toBe("Acquisition");
    await page.getByLabel("Country").selectOption("CN");
    await page.getByLabel("Device").selectOption("desktop");
    await page.waitForURL((u) => u.searchParams.get("country") === "CN" && u.searchParams.get("device") === "desktop");
    const filters = [
      ["is", "visit:country", ["CN"]],
      ["is", "visit:device", ["desktop"]],
    ];
    const channels = await expectTable("By Channel", "Channel", "visit:channel", filters);
    const [totals] = await query({ dimensions: [], filters, date_range: [from, to] }, ACQ_METRICS);
    // Fewer visitors than the whole site's eight: the filters reach the totals too.
    expect(totals!.visitors).toBeGreaterThan(0);
    expect(totals!.visitors).toBeLessThan(8);
    for (const m of ["visitors", "conversions", "revenue"] as const)
      await expect
        .poll(() => page.locator(`[data-kpi="${m}"]`).getAttribute("data-value"), { message: m })
        .toBe(String(totals![m]));
    // Cost is unknown by country and device: the page says so instead of showing zero.
    await page.getByText("Ad spend is known by channel, source, campaign and partner only").waitFor();

    // The filters survive a reload from the URL alone.
    await page.reload();
    expect(await page.getByLabel("Country").inputValue()).toBe("CN");
    expect(await page.getByLabel("Device").inputValue()).toBe("desktop");
    await expectTable("By Channel", "Channel", "visit:channel", filters);

    // Drill into the biggest channel: the filters stay, the channel is added.
    const top = [...channels].sort((a, b) => (b.visitors ?? 0) - (a.visitors ?? 0))[0]!;
    await page.locator("main table").getByRole("button").first().waitFor();
    const rows = page.locator("main table tbody tr");
    const count = await rows.count();
    for (let i = 0; i < count; i++) {
      const button = rows.nth(i).getByRole("button");
      if ((await button.getAttribute("title")) && (await rows.nth(i).textContent())?.includes(top.key)) {
        await button.click();
        break;
      }
    }
    await page.waitForURL((u) => u.searchParams.get("group_by") === "source" && u.searchParams.get("country") === "CN");
    const sources = await expectTable("By Source", "Source", "visit:source", [
      ["is", "visit:channel", [top.key]],
      ...filters,
    ]);
    expect(sources.length).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("drills to UTM content from a link, with a landing page and a partner filter", async () => {
    // The channel bilibili's cpc visits fall in, as the API names it.
    const [bilibili] = await query(
      { dimensions: ["visit:channel"], filters: [["is", "visit:source", ["bilibili"]]], date_range: [from, to] },
      ["visitors"],
    );
    const channel = bilibili!.key;
    await page.goto(
      `${stack.origin}/acquisition?group_by=content&channel=${encodeURIComponent(channel)}` +
        "&source=bilibili&campaign=launch&landing=%2Fcourses%2Fpython",
    );
    await expect.poll(heading).toBe("Acquisition");
    const content = await expectTable("By Content", "Content", "visit:utm_content", [
      ["is", "visit:channel", [channel]],
      ["is", "visit:source", ["bilibili"]],
      ["is", "visit:campaign", ["launch"]],
      ["is", "visit:entry_page", ["/courses/python"]],
    ]);
    // Learners 1, 4 and 5 landed on the course page through the two banners.
    expect(content.map((r) => r.key).sort()).toEqual(["banner-a", "banner-b"]);
    expect(content.reduce((n, r) => n + (r.visitors ?? 0), 0)).toBe(3);
    // The breadcrumb names each level drilled through.
    const crumbs = await page.locator("nav.breadcrumb").textContent();
    expect(crumbs).toContain("Source: bilibili");
    expect(crumbs).toContain("Campaign: launch");

    // A partner: only the visits referred by Amy.
    await page.goto(`${stack.origin}/acquisition?partner=amy`);
    await expectTable("By Channel", "Channel", "visit:channel", [["is", "visit:partner", ["amy"]]]);
    expect(await page.getByLabel("Partner").inputValue()).toBe("amy");
  });
});

describe("ROI filters", () => {
  it("narrows the ROI table to a channel or a source, from the URL, with the API's figures and spend", async () => {
    const yesterday = localDay(Date.now() - DAY);
    await stack.admin(`/api/v1/costs?site_id=${site.id}`, {
      rows: [
        { date: yesterday, source: "bilibili", medium: "cpc", campaign: "launch", cost: 120 },
        { date: yesterday, source: "wechat", medium: "social", campaign: "spring", cost: 30 },
      ],
    });
    const [bilibili] = await query(
      { dimensions: ["visit:channel"], filters: [["is", "visit:source", ["bilibili"]]], date_range: [from, to] },
      ["visitors"],
    );
    const channel = bilibili!.key;
    for (const [url, group, label, filters] of [
      [
        `/roi?group_by=source&channel=${encodeURIComponent(channel)}`,
        "source",
        "Source",
        [["is", "visit:channel", [channel]]],
      ],
      ["/roi?group_by=campaign&source=bilibili", "campaign", "Campaign", [["is", "visit:source", ["bilibili"]]]],
    ] as const) {
      await page.goto(`${stack.origin}${url}`);
      await expect.poll(heading).toBe("ROI and spend");
      const csv = await exported(`ROI by ${label}`);
      const api = await query({ dimensions: [`visit:${group}`], filters, date_range: [from, to] }, ACQ_METRICS);
      expect(
        byKey(
          csv.map((r) => ({
            key: r[label]!,
            conversions: cell(r.Purchases),
            revenue: cell(r.Revenue),
            cost: cell(r.Cost),
          })),
        ),
        url,
      ).toEqual(byKey(api.map((r) => ({ key: r.key, conversions: r.conversions, revenue: r.revenue, cost: r.cost }))));
      const [totals] = await query({ dimensions: [], filters, date_range: [from, to] }, ACQ_METRICS);
      expect(Number(await page.locator('[data-kpi="revenue"]').getAttribute("data-value"))).toBe(totals!.revenue);
      expect(Number(await page.locator('[data-kpi="cost"]').getAttribute("data-value"))).toBe(totals!.cost);
      expect(totals!.cost).toBe(120); // bilibili's spend, not wechat's
      await page.getByText("Narrowed to a channel or source").waitFor();
    }
    // The filter is in the URL: a reload keeps it, and clearing it brings back the report and its models.
    await page.reload();
    expect(await page.getByLabel("Source", { exact: true }).inputValue()).toBe("bilibili");
    await page.getByLabel("Source", { exact: true }).selectOption("");
    await page.waitForURL((u) => !u.searchParams.has("source"));
    await page.getByLabel("Attribution model").waitFor();
    // Unfiltered, under the last-touch model, the report agrees with the visits' own figures.
    const report = await stack.admin<{ rows: { channel: string; revenue: number; conversions: number }[] }>(
      `/api/v1/reports/roi?site_id=${site.id}&from=${from}&to=${to}&group_by=channel&model=last_touch`,
    );
    const visits = await query({ dimensions: ["visit:channel"], date_range: [from, to] }, ["conversions", "revenue"]);
    expect(
      byKey(
        report.rows
          .filter((r) => r.conversions > 0)
          .map((r) => ({ key: r.channel, conversions: r.conversions, revenue: r.revenue })),
      ),
    ).toEqual(
      byKey(
        visits
          .filter((r) => (r.conversions ?? 0) > 0)
          .map((r) => ({ key: r.key, conversions: r.conversions, revenue: r.revenue })),
      ),
    );
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("languages", () => {
  it("switching zh-CN ↔ en leaves no catalog key on the new pages, and zh-CN stays accessible", async () => {
    for (const p of [
      { path: "/content?course=py", en: "Pages and courses", zh: "页面与课程" },
      { path: "/acquisition?country=CN", en: "Acquisition", zh: "获客" },
      { path: "/roi?source=bilibili", en: "ROI and spend", zh: "投资回报与花费" },
    ]) {
      await page.goto(`${stack.origin}${p.path}`);
      await expect.poll(heading).toBe(p.en);
      await page.locator("table").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      await page.getByLabel("Language").selectOption("zh-CN");
      await expect.poll(heading).toBe(p.zh);
      await page.locator("table").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      expect(await untranslated(), `${p.path} zh-CN`).toEqual([]);
      expect(await page.locator("main").textContent()).not.toContain("Export CSV");
      expect(await axeViolations(page), `${p.path} zh-CN`).toEqual([]);
      await page.getByLabel("语言").selectOption("en");
      await expect.poll(heading).toBe(p.en);
      expect(await untranslated(), `${p.path} en`).toEqual([]);
    }
    expect(opened.errors.filter((e) => !/40[0-9]/.test(e))).toEqual([]);
  });
});

describe("share links", () => {
  it("a shared Acquisition view filters through the query API; a link without traffic offers no such filters", async () => {
    const made = async (pages: string[]) =>
      (
        await stack.admin<{ token: string }>(`/api/v1/share-links?site_id=${site.id}`, {
          name: pages.join("+"),
          pages,
        })
      ).token;
    const o = await openPage(stack, { locale: "en-US" });
    try {
      const traffic = await made(["traffic"]);
      await o.page.goto(`${stack.origin}/share?view=acquisition&country=US#${traffic}`);
      await o.page.locator("main table").first().waitFor();
      const [us] = await query({ dimensions: [], filters: [["is", "visit:country", ["US"]]], date_range: [from, to] }, [
        "visitors",
      ]);
      expect(us!.visitors).toBeGreaterThan(0);
      expect(Number(await o.page.locator('[data-kpi="visitors"]').getAttribute("data-value"))).toBe(us!.visitors);
      expect(await o.page.getByLabel("Country").inputValue()).toBe("US");

      const roiOnly = await made(["roi"]);
      await o.page.goto(`${stack.origin}/share?view=roi#${roiOnly}`);
      await o.page.reload(); // the token now comes from the session's storage, as after any reload
      await o.page.locator("main table").first().waitFor();
      expect(await o.page.locator("main h1").first().textContent()).toBe("ROI and spend");
      await o.page.getByLabel("Attribution model").waitFor();
      // The filter shows at first, and goes when the API refuses the link its choices.
      await expect.poll(() => o.page.getByLabel("Source", { exact: true }).count(), { timeout: 10_000 }).toBe(0);
    } finally {
      await o.context.close();
    }
  });
});

describe("a member who is also a partner", () => {
  it("gets a link to the partner portal in the shell, and one back from the portal", async () => {
    const other = await createSite(stack, { name: "Second Academy", domain: "second.example.com" });
    const partner = await stack.admin<{ id: string }>(`/api/v1/partners?site_id=${other.id}`, {
      type: "affiliate",
      name: "Owner As Affiliate",
      code: "owner-aff",
    });
    await signInLink(stack, "owner@second.example.com", [other.id]); // the second site's owner
    const email = "both@academy.example.com";
    const link = await signInLink(stack, email, [site.id, other.id]);
    const members = await stack.admin<{ data: { user_id: string; email: string }[] }>(
      `/api/v1/sites/${other.id}/members`,
    );
    const id = members.data.find((m) => m.email === email)!.user_id;
    await stack.admin(`/api/v1/sites/${other.id}/members/${id}`, { role: "partner", partner_id: partner.id }, "PATCH");

    const o = await openPage(stack, { locale: "en-US" });
    try {
      await signIn(o.page, link);
      const portal = o.page.locator("[data-portal-link]");
      expect(await portal.textContent()).toBe("Partner portal");
      // The partner's own site is not among the site pages' sites.
      expect(await o.page.locator("header.topbar").textContent()).not.toContain("Second Academy");
      await portal.click();
      await o.page.waitForURL((u) => u.pathname === "/portal");
      await o.page.locator("[data-dashboard-link]").waitFor();
      expect(await axeViolations(o.page)).toEqual([]);
      await o.page.locator("[data-dashboard-link]").click();
      await o.page.waitForURL((u) => u.pathname === "/");
      await o.page.locator("[data-portal-link]").waitFor();
    } finally {
      await o.context.close();
    }
  });
});
