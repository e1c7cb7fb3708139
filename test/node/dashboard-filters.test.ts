// Acquisition's and ROI's filters in headless Chromium against the built Workers: country, device,
// landing page, partner, channel and source filters and the drill-down to UTM content live in the
// URL (a reload keeps them), every figure on the page is the API's for the same filters and dates
// (read back through the table's CSV export and the KPI tiles, the expected figures asked of the API
// here), a shared Acquisition view filters too, switching zh-CN ↔ en leaves no catalog key, and
// axe-core finds no serious or critical violation. The site and helpers:
// test/node/dashboard/content-site.ts.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  byKey,
  cell,
  DAY,
  exported,
  from,
  heading,
  localDay,
  query,
  startContentSite,
  to,
  untranslated,
} from "./dashboard/content-site";
import { axeViolations, englishLeft, openPage, type OpenedPage, type Stack, type TestSite } from "./dashboard/harness";

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

  it("swaps a reversed custom range before asking the API, and says so next to the date fields, in both languages", async () => {
    await page.goto(`${stack.origin}/acquisition?from=${to}&to=${from}`);
    await expect.poll(heading).toBe("Acquisition");
    const note = page.locator(".filter-range-error");
    await note.waitFor();
    expect(await note.textContent()).toBe("The start date was after the end date: the dates have been swapped.");
    const fromField = page.getByLabel("From", { exact: true });
    expect(await fromField.inputValue()).toBe(from);
    expect(await page.getByLabel("To", { exact: true }).inputValue()).toBe(to);
    expect(await fromField.getAttribute("aria-invalid")).toBe("true");
    expect((await fromField.getAttribute("aria-describedby"))?.split(" ")).toContain(await note.getAttribute("id"));
    // The figures and the filters' choices are the in-order range's: no error, no empty select.
    await expectTable("By Channel", "Channel", "visit:channel", []);
    expect(await page.getByText("Some fields need attention.").count()).toBe(0);
    await expect.poll(() => page.getByLabel("Country").locator("option").count()).toBeGreaterThan(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Language").selectOption("zh-CN");
    await expect.poll(() => note.textContent()).toBe("开始日期晚于结束日期：已将两个日期对调。");
    await page.getByLabel("语言").selectOption("en");
    await expect.poll(heading).toBe("Acquisition");
    // An end picked before the start moves the start with it: the URL is in order again.
    const before = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("To", { exact: true }).fill(before);
    await page.waitForURL((u) => u.searchParams.get("from") === before && u.searchParams.get("to") === before);
    expect(await note.count()).toBe(0);
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
