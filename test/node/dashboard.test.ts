// The dashboard in headless Chromium against the built Workers with the built dashboard served as
// static assets: the owner signs in with the one-time link, lands on the Overview, sees the
// revenue the API reports, switches to Chinese, and axe-core finds no serious or critical problem.
// The harness (test/node/dashboard/harness.ts) is shared by the other dashboard browser tests.
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

let stack: Stack;
let site: TestSite;
let opened: OpenedPage;
let page: Page;

const hourAgo = Date.now() - 3_600_000;
const visit = (n: number, source: string, medium: string) => ({
  id: `v${n}`,
  type: "pageview",
  visitor_id: `learner-${n}`,
  ts: hourAgo + n * 1000,
  url: `https://academy.example.com/courses/python?utm_source=${source}&utm_medium=${medium}&utm_campaign=launch`,
});
const purchase = (n: number, revenue: number) => ({
  id: `p${n}`,
  type: "purchase",
  visitor_id: `learner-${n}`,
  ts: hourAgo + n * 1000 + 500,
  order_id: `order-${n}`,
  revenue,
  currency: "CNY",
});

beforeAll(async () => {
  stack = await startStack();
  site = await createSite(stack);
  await seedEvents(stack, site.id, [
    visit(1, "bilibili", "cpc"),
    purchase(1, 199),
    visit(2, "wechat", "social"),
    purchase(2, 299.5),
    visit(3, "baidu", "organic"),
    // A five-figure sale: the revenue card shows CN¥61,604.50, long enough to test the cards' width.
    visit(4, "zhihu", "social"),
    purchase(4, 61106),
  ]);
  opened = await openPage(stack, { locale: "en-US" });
  page = opened.page;
}, 120_000);

afterAll(async () => {
  await opened?.context.close();
  await stack?.close();
});

describe("the dashboard in Chromium", () => {
  it("routes pages to the dashboard and the API, snippet and health check to the Worker", async () => {
    const nav = { headers: { accept: "text/html", "sec-fetch-mode": "navigate" } };
    for (const path of ["/", "/acquisition?group_by=source", "/settings/keys", "/login"]) {
      const res = await fetch(`${stack.origin}${path}`, nav);
      expect(res.headers.get("content-type"), path).toContain("text/html");
      expect(await res.text(), path).toContain('<div id="app">');
    }
    const api = await fetch(`${stack.origin}/api/v1/no-such-route`, nav);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: "not_found" } });
    expect((await fetch(`${stack.origin}/t.js`)).headers.get("content-type")).toContain("javascript");
    expect((await fetch(`${stack.origin}/stats/t.js`)).headers.get("content-type")).toContain("javascript");
    expect(await (await fetch(`${stack.origin}/healthz`)).json()).toMatchObject({ ok: true });
  });

  it("signs the owner in with the one-time link and shows the API's revenue on the Overview", async () => {
    const link = await signInLink(stack, "owner@academy.example.com", [site.id]);
    expect(new URL(link).pathname).toBe("/login");
    await signIn(page, link);
    await expect.poll(() => page.locator("main h1").textContent()).toBe("Overview");
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe("Overview");

    const api = await stack.admin<{ totals: { revenue: number }; previous_totals: { revenue: number } }>(
      `/api/v1/reports/overview?site_id=${site.id}`,
    );
    expect(api.totals.revenue).toBeGreaterThan(0);
    const revenue = page.locator('[data-kpi="revenue"]');
    await revenue.waitFor();
    expect(Number(await revenue.getAttribute("data-value"))).toBe(api.totals.revenue);
    const shown = new Intl.NumberFormat("en", { style: "currency", currency: "CNY" }).format(api.totals.revenue);
    expect(await revenue.locator(".kpi-value").textContent()).toBe(shown);
    // Revenue grew from nothing in the previous period: "new", not an endless (or missing) percentage.
    expect(api.previous_totals.revenue).toBe(0);
    expect(await revenue.locator(".kpi-change").textContent()).toBe("↑ new: nothing in the previous period");
    // The chart's chunk loaded and drew.
    await page.locator(".chart-canvas svg").first().waitFor();
    expect(opened.errors.filter((e) => !e.includes("404"))).toEqual([]);
  });

  it("has no serious or critical accessibility violations", async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  it("on a phone, opens the navigation as a drawer from the menu button and closes it with Escape", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const menu = page.getByRole("button", { name: "Menu" });
    const nav = page.getByRole("navigation", { name: "Main navigation" });
    await expect.poll(() => nav.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => nav.isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await expect
      .poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.className))
      .toBe("menu-button");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("switches to Chinese, remembers it, and stays accessible", async () => {
    await page.getByLabel("Language").selectOption("zh-CN");
    await expect.poll(() => page.locator("main h1").textContent()).toBe("概览");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator('[data-kpi="revenue"] dt').textContent()).toBe("收入");
    await page.reload();
    await expect.poll(() => page.locator("main h1").textContent()).toBe("概览");
    expect(await axeViolations(page)).toEqual([]);
  });

  it("keeps every KPI figure inside its card at 1024, 1280 and 1400 px, in both languages", async () => {
    for (const language of ["zh-CN", "en"]) {
      await page.evaluate((l) => (globalThis as any).localStorage.setItem("wf.lang", l), language);
      for (const width of [1024, 1280, 1400]) {
        await page.setViewportSize({ width, height: 900 });
        await page.reload();
        await page.locator('[data-kpi="revenue"]').waitFor();
        await expect.poll(() => page.locator(".loading").count()).toBe(0);
        const spills = await page.evaluate(() => {
          const doc = (globalThis as any).document;
          const out: string[] = [];
          for (const card of doc.querySelectorAll(".kpi")) {
            const value = card.querySelector(".kpi-value");
            const range = doc.createRange();
            range.selectNodeContents(value);
            const text = range.getBoundingClientRect();
            const box = card.getBoundingClientRect();
            if (value.scrollWidth > value.clientWidth || text.right > box.right || text.left < box.left)
              out.push(`${card.dataset.kpi} ${value.textContent}: ${Math.round(text.right - box.right)} px`);
          }
          return out;
        });
        expect(await page.locator(".kpi").count()).toBeGreaterThan(3);
        expect(spills, `${language} ${width} px`).toEqual([]);
      }
    }
    const revenue = await page.locator('[data-kpi="revenue"] .kpi-value').textContent();
    expect(revenue).toBe("CN¥61,604.50");
  });
});
