// Pages and courses in headless Chromium against the built Workers: landing pages and course pages,
// each course's figures, what needs attention and one course lesson by lesson show what the API
// gives for the same dates (read back through each table's own CSV export, the expected figures
// asked of the API here); the open course lives in the URL; switching zh-CN ↔ en leaves no catalog
// key; axe-core finds no serious or critical violation; and a member who is also a partner is
// offered the portal. The site and helpers: test/node/dashboard/content-site.ts.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  byKey,
  cell,
  exported,
  from,
  heading,
  query,
  startContentSite,
  to,
  untranslated,
} from "./dashboard/content-site";
import {
  axeViolations,
  englishLeft,
  createSite,
  openPage,
  type OpenedPage,
  signIn,
  signInLink,
  type Stack,
  type TestSite,
} from "./dashboard/harness";

let stack: Stack;
let site: TestSite;
let opened: OpenedPage;
let page: Page;

beforeAll(async () => {
  ({ stack, site, opened, page } = await startContentSite());
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
        completion_rate: cell(r["Completion (of starters)"]),
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
        ratings: { average: number | null; count: number };
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
    // Ratings read as the Courses table writes them (one decimal, out of 5), counted in good English.
    expect(one.data.ratings.average).not.toBeNull();
    expect(await page.locator('[data-kpi="rating"] .kpi-value').textContent()).toBe(
      `${one.data.ratings.average!.toFixed(1)} / 5`,
    );
    const count = one.data.ratings.count;
    expect(await page.locator("[data-ratings-trend]").textContent()).toMatch(
      new RegExp(`^${count} rating${count === 1 ? "" : "s"}; `),
    );
    expect(await page.locator('[data-kpi="completion_rate"] dt').textContent()).toBe("Completion (of starters)");
    // The drop-off funnel and the watch-through curve.
    await page.locator(".chart-canvas svg").nth(1).waitFor();
    // A reload opens the same course.
    await page.reload();
    await page.locator("caption", { hasText: "Lessons" }).waitFor({ state: "attached" });
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("languages", () => {
  it("switching zh-CN ↔ en leaves no catalog key on the new pages, and zh-CN stays accessible", async () => {
    for (const p of [{ path: "/content?course=py", en: "Pages and courses", zh: "页面与课程" }]) {
      await page.goto(`${stack.origin}${p.path}`);
      await expect.poll(heading).toBe(p.en);
      await page.locator("table").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      await page.getByLabel("Language").selectOption("zh-CN");
      await expect.poll(heading).toBe(p.zh);
      await page.locator("table").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      expect(await untranslated(), `${p.path} zh-CN`).toEqual([]);
      expect(await englishLeft(page), `${p.path} zh-CN`).toEqual([]);
      expect(await page.locator("main").textContent()).not.toContain("Export CSV");
      expect(await axeViolations(page), `${p.path} zh-CN`).toEqual([]);
      await page.getByLabel("语言").selectOption("en");
      await expect.poll(heading).toBe(p.en);
      expect(await untranslated(), `${p.path} en`).toEqual([]);
    }
    expect(opened.errors.filter((e) => !/40[0-9]/.test(e))).toEqual([]);
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
