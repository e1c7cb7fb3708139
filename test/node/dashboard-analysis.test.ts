// The analysis pages in headless Chromium (Conversions, Attribution, ROI and spend) against the
// built Workers: each shows the API's figures for the same filters and dates (read back through
// the tables' own CSV export, and as formatted text), a goal's API error lands next to its field,
// a spend CSV with a bad line reports that line while the good lines land, switching zh-CN ↔ en
// leaves no catalog key on any of them, the phone width does not overflow, and axe-core finds no
// serious or critical violation. The harness is test/node/dashboard/harness.ts.
import { readFile } from "node:fs/promises";
import Papa from "papaparse";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  englishLeft,
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

const MODELS = ["last_non_direct", "first_touch", "last_touch", "linear", "time_decay", "position_based", "markov"];
const HOUR = 3_600_000;
/** The English catalog: column headers of the exported CSVs are its words. */
const EN = JSON.parse(await readFile(new URL("../../dashboard/src/locales/en.json", import.meta.url), "utf8")) as {
  metrics: Record<string, string>;
  models: Record<string, string>;
};
const DAY = 24 * HOUR;

let stack: Stack;
let site: TestSite;
let opened: OpenedPage;
let page: Page;

/** Today and 29 days before, in the site's zone: the pages' default range (and the API's). */
const localDay = (ms: number) =>
  new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(ms);
const to = localDay(Date.now());
const from = localDay(Date.parse(`${to}T12:00:00Z`) - 29 * DAY);
const yesterday = localDay(Date.now() - DAY);

/** Eight learners over three days: course pages from four sources, sign-ups, purchases, returns. */
function events(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const sources = [
    ["bilibili", "cpc"],
    ["wechat", "social"],
    ["baidu", "organic"],
    ["zhihu", "social"],
  ] as const;
  for (let n = 1; n <= 8; n++) {
    const base = Date.now() - (n % 3) * 4 * DAY - 3 * HOUR + n * 60_000;
    const [source, medium] = sources[n % 4]!;
    const user = `learner-${n}`;
    out.push({
      id: `pv${n}`,
      type: "pageview",
      user_id: user,
      visitor_id: `v-${n}`,
      ts: base,
      url: `https://academy.example.com/courses/python?utm_source=${source}&utm_medium=${medium}&utm_campaign=launch`,
    });
    out.push({
      id: `pv${n}b`,
      type: "pageview",
      user_id: user,
      visitor_id: `v-${n}`,
      ts: base + 60_000,
      url: "https://academy.example.com/pricing",
    });
    if (n <= 6) out.push({ id: `su${n}`, type: "signup", user_id: user, ts: base + 120_000 });
    if (n <= 4) {
      out.push({
        id: `pu${n}`,
        type: "purchase",
        user_id: user,
        ts: base + 180_000,
        order_id: `order-${n}`,
        revenue: 100 * n + 99,
        currency: "CNY",
      });
    }
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

const num = (n: number) =>
  new Intl.NumberFormat("en", { maximumFractionDigits: Number.isInteger(n) ? 0 : 1 }).format(n);

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
      /\b(?:nav|common|errors|table|chart|filters|metrics|dimensions|models|conversions|attribution|roi|import|acquisition|overview)\.[a-z_]+(?:\.[a-z_]+)*\b/;
    return texts.filter((t: string) => key.test(t));
  });
}

async function heading(): Promise<string | null> {
  return page.locator("main h1").textContent();
}

beforeAll(async () => {
  stack = await startStack();
  site = await createSite(stack);
  await seedEvents(stack, site.id, events());
  opened = await openPage(stack, { locale: "en-US" });
  page = opened.page;
  await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
}, 180_000);

afterAll(async () => {
  await opened?.context.close();
  await stack?.close();
});

describe("Conversions", () => {
  it("shows the funnel the API computes for the same steps and dates, with its chart", async () => {
    await page.goto(`${stack.origin}/conversions/funnels`);
    const csv = await exported("Funnel steps");
    const api = await stack.admin<{
      steps: { label: string; visitors: number; conversion_from_first: number | null }[];
    }>(`/api/v1/funnels?site_id=${site.id}`, {
      steps: [
        { kind: "page", path: "/*", label: "Any page view" },
        { kind: "signup", label: "Sign-up" },
        { kind: "purchase", label: "Purchase" },
      ],
      window: { value: 14, unit: "day" },
      order: "sequential",
      date_range: { from, to },
    });
    expect(api.steps.map((s) => s.visitors)).toEqual([8, 6, 4]); // every learner, 6 signed up, 4 bought
    expect(csv.map((r) => [r.Step, Number(r.Visitors), Number(r["From first step"])])).toEqual(
      api.steps.map((s) => [s.label, s.visitors, s.conversion_from_first]),
    );
    const firstRow = page.locator("table tbody tr").first();
    expect(await firstRow.locator("td").first().textContent()).toBe(num(api.steps[0]!.visitors));
    await page.locator(".chart-canvas svg").first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("splits the funnel by channel like the API", async () => {
    await page.goto(`${stack.origin}/conversions/funnels?breakdown=channel`);
    const csv = await exported("Funnel by Channel");
    const api = await stack.admin<{ breakdown: { values: { value: string; steps: { visitors: number }[] }[] } }>(
      `/api/v1/funnels?site_id=${site.id}`,
      {
        steps: [{ kind: "page", path: "/*" }, { kind: "signup" }, { kind: "purchase" }],
        date_range: { from, to },
        breakdown: "channel",
      },
    );
    const byValue = (rows: { value: string; visitors: number[] }[]) =>
      rows.sort((a, b) => a.value.localeCompare(b.value));
    expect(
      byValue(
        csv.map((r) => ({ value: r.Channel!, visitors: [r["Any page view"], r["Sign-up"], r.Purchase].map(Number) })),
      ),
    ).toEqual(byValue(api.breakdown.values.map((v) => ({ value: v.value, visitors: v.steps.map((s) => s.visitors) }))));
  });

  it("shows the retention cohorts as the API counts them, as a heatmap and a table", async () => {
    await page.goto(`${stack.origin}/conversions/retention?period=day`);
    const csv = await exported("Retention by cohort");
    const api = await stack.admin<{
      cohorts: { start: string; size: number; rates: (number | null)[] }[];
      average: (number | null)[];
    }>(`/api/v1/retention?site_id=${site.id}`, {
      cohort: "first_visit",
      period: "day",
      return: "any",
      date_range: { from, to },
    });
    expect(api.cohorts.reduce((n, c) => n + c.size, 0)).toBe(8);
    const cell = (v: string | undefined) => (v === "" || v === undefined ? null : Number(v));
    expect(csv.map((r) => [r.Cohort, cell(r.Learners), cell(r["Day 0"]), cell(r["Day 1"])])).toEqual([
      ["Average", null, api.average[0], api.average[1]],
      ...api.cohorts.map((c) => [c.start, c.size, c.rates[0], c.rates[1]]),
    ]);
    await page.locator(".chart-canvas svg").first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows the journeys out of any page as the API does, as a Sankey", async () => {
    await page.goto(`${stack.origin}/conversions/journeys`);
    const csv = await exported("Most common paths");
    const api = await stack.admin<{ paths: { steps: string[]; count: number }[]; visits: number }>(
      `/api/v1/journeys?site_id=${site.id}`,
      { from: { kind: "page", path: "/*", label: "Any page view" }, steps: 5, date_range: { from, to } },
    );
    expect(api.visits).toBeGreaterThan(0);
    const key = (rows: { path: string; count: number }[]) => rows.sort((a, b) => a.path.localeCompare(b.path));
    expect(key(csv.map((r) => ({ path: r.Path!, count: Number(r.Visits) })))).toEqual(
      key(api.paths.map((p) => ({ path: p.steps.join(" → "), count: p.count }))),
    );
    await page.locator(".chart-canvas svg").first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("puts a goal's API error next to its field, then saves the goal", async () => {
    await page.goto(`${stack.origin}/conversions/goals`);
    await page.getByLabel("Name", { exact: true }).fill("Course page");
    await page.getByRole("button", { name: "Create goal" }).click();
    const path = page.getByLabel("Page path");
    await expect.poll(() => path.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await path.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("-error"))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBeTruthy();
    await path.fill("/courses/*");
    await page.getByRole("button", { name: "Create goal" }).click();
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
    const goals = await stack.admin<{ data: { name: string; path: string }[] }>(`/api/v1/goals?site_id=${site.id}`);
    expect(goals.data).toMatchObject([{ name: "Course page", path: "/courses/*" }]);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("Attribution", () => {
  it("shows each model's conversions per channel as the ROI report gives them", async () => {
    await page.goto(`${stack.origin}/attribution`);
    const csv = await exported(`${EN.metrics.conversions} per channel under each model`);
    const labels = EN.models;
    for (const model of MODELS) {
      const api = await stack.admin<{ rows: { channel: string; conversions: number }[] }>(
        `/api/v1/reports/roi?site_id=${site.id}&from=${from}&to=${to}&model=${model}&group_by=channel`,
      );
      const shown = Object.fromEntries(csv.map((r) => [r.Channel, Number(r[labels[model]!])]));
      expect(shown, model).toEqual(Object.fromEntries(api.rows.map((r) => [r.channel, r.conversions])));
    }
    expect(csv.reduce((n, r) => n + Number(r[labels.last_non_direct!]), 0)).toBe(4);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("draws the site's own Markov chain: the API's transitions and removal effects", async () => {
    const api = await stack.admin<{ paths: number; transition_matrix: Record<string, Record<string, number>> }>(
      `/api/v1/reports/markov?site_id=${site.id}&dimension=channel`,
    );
    expect(api.paths).toBeGreaterThan(0);
    expect(Number(await page.locator('[data-kpi="chain-paths"]').getAttribute("data-value"))).toBe(api.paths);
    const csv = await exported("Transitions between states (Channel)");
    const shown: Record<string, Record<string, number>> = {};
    for (const r of csv) (shown[r.From!] ??= {})[r.To!] = Number(r.Probability);
    expect(shown).toEqual(api.transition_matrix);
    await page.locator(".chart-canvas svg").nth(1).waitFor();
  });

  it("attributes uploaded paths as the API does, reports the bad line, and draws the transitions", async () => {
    const csvText =
      "path,total_conversions,total_conversion_value,total_null\nbaidu > wechat,12,5988,40\nbilibili,lots,0,3\nbilibili > wechat,5,2495,60\n";
    await page.getByLabel("Conversion paths (CSV)").fill(csvText);
    await page.getByRole("button", { name: "Attribute" }).click();
    await page.locator('[data-kpi="paths"]').waitFor();
    const api = await stack.admin<{
      totals: { paths: number; conversions: number };
      channels: Record<string, any>[];
      rejected: unknown[];
    }>("/api/v1/attribution", {
      paths: [
        { path: "baidu > wechat", total_conversions: "12", total_conversion_value: "5988", total_null: "40" },
        { path: "bilibili", total_conversions: "lots", total_conversion_value: "0", total_null: "3" },
        { path: "bilibili > wechat", total_conversions: "5", total_conversion_value: "2495", total_null: "60" },
      ],
    });
    expect(api.rejected).toHaveLength(1);
    expect(Number(await page.locator('[data-kpi="paths"]').getAttribute("data-value"))).toBe(api.totals.paths);
    expect(await page.getByText("Line 3 refused:").count()).toBe(1);
    const credit = await exported("Conversions credited per channel and model");
    for (const ch of api.channels) {
      const row = credit.find((r) => r.Channel === ch.channel)!;
      for (const model of MODELS)
        expect(Number(row[EN.models[model]!]), `${ch.channel} ${model}`).toBe(ch[model].conversions);
    }
    await page.locator(".chart-canvas svg").nth(2).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe("ROI and spend", () => {
  it("imports a spend CSV: the bad line is reported by number, the good lines land", async () => {
    await page.goto(`${stack.origin}/roi`);
    const csvText = [
      "date,source,medium,campaign,cost",
      `${yesterday},bilibili,cpc,launch,100`,
      `${yesterday},wechat,social,launch,abc`,
      `${yesterday},baidu,cpc,launch,50.5`,
    ].join("\n");
    const card = page.locator(".card", { has: page.getByRole("heading", { name: "Import ad spend" }) });
    await card.getByLabel("Or paste the CSV").fill(csvText);
    await card.getByRole("button", { name: "Import (3 lines)" }).click();
    const refused = card.locator('[data-line-error="3"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain("Line 3 refused");
    expect(await refused.textContent()).toContain("cost");
    expect(await card.locator("[data-line-error]").count()).toBe(1);
    const report = await stack.admin<{ totals: { cost: number }; rows: { source: string; cost: number }[] }>(
      `/api/v1/reports/roi?site_id=${site.id}&from=${from}&to=${to}&group_by=source`,
    );
    expect(report.totals.cost).toBe(150.5);
    expect(report.rows.find((r) => r.source === "wechat")?.cost ?? 0).toBe(0);
  });

  it("shows the ROI table the API gives, by channel and by source", async () => {
    for (const group of ["channel", "source"] as const) {
      await page.goto(`${stack.origin}/roi${group === "channel" ? "" : `?group_by=${group}`}`);
      const label = group === "channel" ? "Channel" : "Source";
      const csv = await exported(`ROI by ${label}`);
      const api = await stack.admin<{ rows: Record<string, any>[]; totals: { revenue: number; cost: number } }>(
        `/api/v1/reports/roi?site_id=${site.id}&from=${from}&to=${to}&group_by=${group}`,
      );
      const pick = (rows: { k: string; revenue: number; cost: number }[]) =>
        rows.sort((a, b) => a.k.localeCompare(b.k));
      expect(pick(csv.map((r) => ({ k: r[label]!, revenue: Number(r.Revenue), cost: Number(r.Cost) })))).toEqual(
        pick(api.rows.map((r) => ({ k: r[group], revenue: r.revenue, cost: r.cost }))),
      );
      expect(Number(await page.locator('[data-kpi="revenue"]').getAttribute("data-value"))).toBe(api.totals.revenue);
      const money = new Intl.NumberFormat("en", { style: "currency", currency: "CNY" });
      expect(await page.locator('[data-kpi="cost"] .kpi-value').textContent()).toBe(money.format(api.totals.cost));
    }
    await page.locator(".chart-canvas svg").first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows the budget advice the API gives: empty with what to do, then per channel with curves and band", async () => {
    const before = await stack.admin<{ channels: unknown[] }>(`/api/v1/reports/budget?site_id=${site.id}`);
    expect(before.channels).toEqual([]);
    expect(await page.getByText("Not enough spend to advise on").count()).toBe(1);

    // Eight days of spend on two sources (the advice needs 7 days with spend per channel).
    const rows = Array.from({ length: 8 }, (_, i) => localDay(Date.now() - (i + 1) * DAY)).flatMap((date, i) => [
      { date, source: "bilibili", medium: "cpc", campaign: "always-on", cost: 100 + 10 * i },
      { date, source: "wechat", medium: "social", campaign: "always-on", cost: 50 + 5 * i },
    ]);
    await stack.admin(`/api/v1/costs?site_id=${site.id}`, { rows });
    const api = await stack.admin<{
      channels: { channel: string; current_daily_spend: number; suggested_daily_spend: number }[];
      expected_daily_revenue_change: { low: number; high: number };
    }>(`/api/v1/reports/budget?site_id=${site.id}`);
    expect(api.channels.length).toBe(2);
    await page.reload();
    const csv = await exported("Budget advice");
    const byChannel = (list: { channel: string; now: number; next: number }[]) =>
      list.sort((a, b) => a.channel.localeCompare(b.channel));
    expect(
      byChannel(
        csv.map((r) => ({
          channel: r.Channel!,
          now: Number(r["Daily spend now"]),
          next: Number(r["Suggested daily spend"]),
        })),
      ),
    ).toEqual(
      byChannel(
        api.channels.map((c) => ({ channel: c.channel, now: c.current_daily_spend, next: c.suggested_daily_spend })),
      ),
    );
    const money = new Intl.NumberFormat("en", { style: "currency", currency: "CNY" });
    const band = await page.locator("[data-band]").textContent();
    expect(band).toContain(money.format(api.expected_daily_revenue_change.low));
    expect(band).toContain(money.format(api.expected_daily_revenue_change.high));
    // The ROI chart and the budget curves.
    await page.locator(".chart-canvas svg").nth(1).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("fits a phone's width: the page does not scroll sideways (tables scroll in their own box)", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/roi", "/attribution", "/conversions/retention?period=day"]) {
      await page.goto(`${stack.origin}${path}`);
      await page.locator("table").first().waitFor();
      const overflow = await page.evaluate(() => {
        const d = (globalThis as any).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe("languages", () => {
  const pages = [
    { path: "/conversions/funnels", en: "Conversions", zh: "转化" },
    { path: "/conversions/retention", en: "Conversions", zh: "转化" },
    { path: "/conversions/journeys", en: "Conversions", zh: "转化" },
    { path: "/conversions/goals", en: "Conversions", zh: "转化" },
    { path: "/attribution", en: "Attribution", zh: "归因" },
    { path: "/roi", en: "ROI and spend", zh: "投资回报与花费" },
  ];

  it("switching zh-CN ↔ en leaves no catalog key on any analysis page, and zh-CN stays accessible", async () => {
    for (const p of pages) {
      await page.goto(`${stack.origin}${p.path}`);
      await expect.poll(heading).toBe(p.en);
      await page.locator("table, .empty").first().waitFor();
      // Attribution asks seven reports at once: on a busy machine they take over a second, beyond
      // expect.poll's default wait, so wait for them rather than time them.
      await expect.poll(() => page.locator(".loading").count(), { timeout: 15_000 }).toBe(0);
      await page.getByLabel("Language").selectOption("zh-CN");
      await expect.poll(heading).toBe(p.zh);
      await page.locator("table, .empty").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0); // every card drawn, not loading
      if (process.env.SHOTS)
        await page.screenshot({ path: `/tmp/dash1-shot${p.path.replace(/\//g, "_")}.png`, fullPage: true });
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
