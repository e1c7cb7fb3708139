// SEO: both consoles' imports (Search Analytics JSON, CSV in English and Chinese, a bad line, a
// re-import), organic revenue joined on a known set of sessions and events, the CTR curve fit, and
// the opportunity figures on a known table.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expectedCtr, fitCtrCurve, PUBLISHED_CTR } from "../../models/seo/ctr";
import { loadReportData } from "../../jobs/reports/data";
import { renderHtml, renderText } from "../../jobs/reports/render";
import { getSite } from "../../schema/queries/sites";
import { expectDocumented } from "./documented";
import { api, createSite, expectError, type TestSite } from "./helpers";

const DAY = "2026-11-20";
const at = (hour: number) => Date.parse(`${DAY}T${String(hour).padStart(2, "0")}:00:00Z`);

const csv = (site: TestSite, body: string, query = "") =>
  api(`/api/v1/search-performance${query}`, {
    method: "POST",
    token: site.admin,
    headers: { "content-type": "text/csv" },
    body,
  });

async function session(siteId: string, id: string, landing: string, channel = "Organic Search") {
  await env.DB.prepare(
    "INSERT INTO sessions (site_id, id, visitor_id, started_at, last_seen_at, source, medium, campaign, channel, landing_path, device) " +
      "VALUES (?1, ?2, ?2, ?3, ?3, 'google', 'organic', '(organic)', ?4, ?5, 'desktop')",
  )
    .bind(siteId, id, at(10), channel, landing)
    .run();
}
async function event(
  siteId: string,
  sessionId: string,
  type: string,
  minor?: number,
  currency = "CNY",
  superseded = 0,
) {
  await env.DB.prepare(
    "INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device, revenue_minor, currency, superseded) " +
      "VALUES (?1, ?2, ?3, ?4, ?4, 'browser', ?5, ?5, 'google', 'organic', '(organic)', 'Organic Search', 'desktop', ?6, ?7, ?8)",
  )
    .bind(
      siteId,
      crypto.randomUUID(),
      type,
      at(11),
      sessionId,
      minor ?? null,
      minor === undefined ? null : currency,
      superseded,
    )
    .run();
}

describe("the CTR curve", () => {
  it("recovers a known log curve by least squares and falls back to the published curve on too little data", () => {
    const points = Array.from({ length: 20 }, (_, i) => {
      const position = i + 1;
      const impressions = 10_000;
      return { position, impressions, clicks: Math.round((0.3 - 0.1 * Math.log(position)) * impressions) };
    });
    const curve = fitCtrCurve(points);
    expect(curve.source).toBe("fitted");
    expect(curve.a).toBeCloseTo(0.3, 3);
    expect(curve.b).toBeCloseTo(-0.1, 3);
    expect(expectedCtr(curve, Math.E)).toBeCloseTo(0.2, 3);

    const few = fitCtrCurve(points.slice(0, 5));
    expect(few.source).toBe("published");
    expect(PUBLISHED_CTR.map((_, i) => expectedCtr(few, i + 1))).toEqual([
      0.285, 0.157, 0.11, 0.08, 0.072, 0.051, 0.04, 0.032, 0.028, 0.025,
    ]);
    // A "curve" that rises with position is refused too.
    const rising = points.map((p) => ({ ...p, clicks: Math.round(p.position * 0.01 * p.impressions) }));
    expect(fitCtrCurve(rising).source).toBe("published");
  });
});

describe("POST /api/v1/search-performance", () => {
  it("takes Search Console CSV in English and Baidu CSV in Chinese, reports a bad line and unknown columns, and a re-import replaces the day", async () => {
    const site = await createSite({ currency: "CNY" });
    const google = await csv(
      site,
      'Top queries,Clicks,Impressions,CTR,Position\nlearn python,10,500,2%,6.0\n"python, basics","1,200","4,000",30%,1.5\n',
      "?source=google&date=2026-11-21",
    );
    expect(google.status).toBe(200);
    const gBody = await google.json();
    await expectDocumented("POST /api/v1/search-performance", 200, gBody);
    expect(gBody).toEqual({ imported: 2, rejected: [], unknown_columns: [] });

    // Baidu's export: Chinese names, a BOM, a column we do not know, and a bad line 3.
    const baidu = await csv(
      site,
      "\uFEFF日期,关键词,点击量,展现量,点击率,平均排名,备注\n2026-11-21,python 课程,30,300,10%,2,x\n2026-11-21,坏行,abc,300,1%,2,\n2026-11-21,python 入门,5,100,5%,4,\n",
      "?source=baidu",
    );
    expect(baidu.status).toBe(200);
    const bBody = (await baidu.json()) as {
      imported: number;
      rejected: { line: number; issues: { path: string }[] }[];
      unknown_columns: string[];
    };
    expect(bBody.imported).toBe(2);
    expect(bBody.rejected).toEqual([
      { line: 3, issues: [{ path: "line.3.clicks", message: "Expected a whole number ≥ 0." }] },
    ]);
    expect(bBody.unknown_columns).toEqual(["备注"]);

    // Search Console's Chinese export of the page table.
    const pages = await csv(
      site,
      "网页,点击次数,展示次数,点击率,排名\nhttps://x.example.com/courses/python/,40,800,5%,3.5\n",
      "?source=google&date=2026-11-21",
    );
    expect(((await pages.json()) as { imported: number }).imported).toBe(1);
    // Google Search Console's Chinese query table (查询, 展现量, 点击率, 排名).
    const zhQueries = await csv(
      site,
      "查询,点击次数,展现量,点击率,排名\n学 python,7,70,10%,5\n",
      "?source=google&date=2026-11-22",
    );
    expect(zhQueries.status).toBe(200);

    // Re-importing the English query table for the same day replaces it: one row now, other tables kept.
    await csv(
      site,
      "Query,Clicks,Impressions,CTR,Position\nlearn python,12,520,2.3%,5.5\n",
      "?source=google&date=2026-11-21",
    );
    const stored = await env.DB.prepare(
      "SELECT source, dims, query, page, clicks, impressions FROM search_performance WHERE site_id = ?1 ORDER BY source, dims, date, query",
    )
      .bind(site.id)
      .all();
    expect(stored.results).toEqual([
      { source: "baidu", dims: "query", query: "python 入门", page: "", clicks: 5, impressions: 100 },
      { source: "baidu", dims: "query", query: "python 课程", page: "", clicks: 30, impressions: 300 },
      {
        source: "google",
        dims: "page",
        query: "",
        page: "https://x.example.com/courses/python/",
        clicks: 40,
        impressions: 800,
      },
      { source: "google", dims: "query", query: "learn python", page: "", clicks: 12, impressions: 520 },
      { source: "google", dims: "query", query: "学 python", page: "", clicks: 7, impressions: 70 },
    ]);

    const revenue = await api(`/api/v1/seo/revenue?from=2026-11-21&to=2026-11-21`, { token: site.read });
    const rBody = (await revenue.json()) as { pages: { page: string; clicks: number; position: number }[] };
    expect(rBody.pages).toEqual([
      expect.objectContaining({
        page: "/courses/python",
        clicks: 40,
        impressions: 800,
        ctr: 0.05,
        position: 3.5,
        revenue: 0,
      }),
    ]);
  });

  it("takes Search Analytics API rows, refuses a bad row by index, and answers bad bodies with the envelope", async () => {
    const site = await createSite();
    const res = await api("/api/v1/search-performance?source=google", {
      method: "POST",
      token: site.admin,
      json: {
        dimensions: ["date", "query", "page", "device"],
        rows: [
          {
            keys: ["2026-11-21", "Learn Python", "https://a.example/x", "MOBILE"],
            clicks: 3,
            impressions: 90,
            ctr: 0.033,
            position: 7.2,
          },
          {
            keys: ["2026-11-21", "bad", "https://a.example/x", "MOBILE"],
            clicks: 9,
            impressions: 5,
            ctr: 1.8,
            position: 7,
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      imported: 1,
      rejected: [{ index: 1, issues: [{ path: "rows.1.clicks", message: "More clicks than impressions." }] }],
      unknown_columns: [],
    });
    const row = await env.DB.prepare("SELECT dims, query, device, position FROM search_performance WHERE site_id = ?1")
      .bind(site.id)
      .first();
    expect(row).toEqual({ dims: "query,page,device", query: "learn python", device: "mobile", position: 7.2 });

    const noDate = await api("/api/v1/search-performance", {
      method: "POST",
      token: site.admin,
      json: { dimensions: ["query"], rows: [{ keys: ["q"], clicks: 1, impressions: 2, position: 1 }] },
    });
    await expectError(noDate, 400, "validation_failed", "rows.0.date");
    await expectError(
      await api("/api/v1/search-performance", { method: "POST", token: site.admin, json: { rows: [] } }),
      400,
      "validation_failed",
      "dimensions",
    );
    await expectError(
      await api("/api/v1/search-performance", {
        method: "POST",
        token: site.admin,
        body: "<p>",
        headers: { "content-type": "text/html" },
      }),
      415,
      "unsupported_media_type",
    );
    expect((await api("/api/v1/search-performance", { method: "POST", token: site.read, json: {} })).status).toBe(403);
  });
});

describe("organic revenue and opportunities on a known event set", () => {
  it("joins landing pages to sessions, sign-ups and purchases, shares page revenue among queries by clicks, and values opportunities", async () => {
    const site = await createSite({ currency: "CNY", timezone: "UTC" });
    await session(site.id, "s1", "/courses/python");
    await event(site.id, "s1", "signup");
    await event(site.id, "s1", "purchase", 19_900);
    await session(site.id, "s2", "/courses/python");
    await event(site.id, "s2", "purchase", 50_000, "CNY", 1); // superseded: not counted
    await session(site.id, "s3", "/courses/python");
    await event(site.id, "s3", "signup");
    await session(site.id, "s4", "/courses/python");
    await event(site.id, "s4", "purchase", 9_900);
    await session(site.id, "s5", "/blog/tips");
    await event(site.id, "s5", "purchase", 1_000, "USD"); // 10 USD at 7 = 70 CNY
    await session(site.id, "s6", "/courses/python", "Direct");
    await event(site.id, "s6", "purchase", 100_000); // not organic
    const fx = await api("/api/v1/fx-rates", {
      method: "POST",
      token: site.admin,
      json: [{ date: DAY, currency: "USD", rate: 7 }],
    });
    expect(fx.status).toBe(200);

    const row = (query: string, page: string, clicks: number, impressions: number, position: number) => ({
      keys: [query, `https://${new URL(site.origin).host}${page}`],
      clicks,
      impressions,
      ctr: clicks / impressions,
      position,
    });
    const imported = await api("/api/v1/search-performance", {
      method: "POST",
      token: site.admin,
      json: {
        dimensions: ["query", "page"],
        date: DAY,
        rows: [
          row("python 课程", "/courses/python", 30, 300, 2),
          row("learn python", "/courses/python", 10, 500, 6),
          row("python tips", "/blog/tips", 20, 400, 8),
          row("learn python", "/blog/tips", 5, 200, 9),
        ],
      },
    });
    expect(imported.status).toBe(200);
    const keywords = await api("/api/v1/keyword-research", {
      method: "POST",
      token: site.admin,
      headers: { "content-type": "text/csv" },
      body: "关键词,月均搜索量,竞争激烈程度\npython 入门,1000,20\nlearn python,5000,10\ndjango,100,10\n机器学习,2000,高\n",
    });
    const kBody = await keywords.json();
    await expectDocumented("POST /api/v1/keyword-research", 200, kBody);
    expect(kBody).toEqual({ imported: 4, rejected: [], unknown_columns: [] });

    const res = await api(`/api/v1/seo/revenue?from=${DAY}&to=${DAY}`, { token: site.read });
    expect(res.status).toBe(200);
    const body = await res.json();
    await expectDocumented("GET /api/v1/seo/revenue", 200, body);
    expect(body).toEqual({
      from: DAY,
      to: DAY,
      currency: "CNY",
      issues: [],
      pages: [
        {
          page: "/courses/python",
          sessions: 4,
          signups: 2,
          purchases: 2,
          revenue: 298,
          clicks: 40,
          impressions: 800,
          ctr: 0.05,
          position: 4.5,
        },
        {
          page: "/blog/tips",
          sessions: 1,
          signups: 0,
          purchases: 1,
          revenue: 70,
          clicks: 25,
          impressions: 600,
          ctr: 25 / 600,
          position: 25 / 3,
        },
      ],
      queries: [
        // 298 × 30/40
        { query: "python 课程", revenue: 223.5, clicks: 30, impressions: 300, ctr: 0.1, position: 2 },
        // 298 × 10/40 + 70 × 5/25
        { query: "learn python", revenue: 88.5, clicks: 15, impressions: 700, ctr: 15 / 700, position: 4800 / 700 },
        // 70 × 20/25
        { query: "python tips", revenue: 56, clicks: 20, impressions: 400, ctr: 0.05, position: 8 },
      ],
    });

    const opp = await api(`/api/v1/seo/opportunities?from=${DAY}&to=${DAY}`, { token: site.read });
    expect(opp.status).toBe(200);
    const o = (await opp.json()) as Record<string, unknown> & {
      curve: { source: string };
      striking_distance: { query: string; page: string; value: number; expected_ctr: number }[];
      low_ctr: { query: string; page: string; value: number }[];
      cannibalisation: { query: string; pages: { page: string }[] }[];
      unranked_keywords: { keyword: string; value: number }[];
    };
    await expectDocumented("GET /api/v1/seo/opportunities", 200, o);
    // Four points: too few to fit, so the published curve (11.0 % at position 3).
    expect(o.curve.source).toBe("published");
    expect(o.conversion_rate).toBeCloseTo(0.6, 10);
    const value = (list: { query: string; page: string; value: number }[]) =>
      list.map((x) => [x.query, x.page, x.value]);
    // impressions × (0.11 − CTR) × page conversion rate × value per conversion:
    // 500 × 0.09 × 0.5 × 149 = 3352.5; 400 × 0.06 × 1 × 70 = 1680; 200 × 0.085 × 1 × 70 = 1190.
    expect(value(o.striking_distance)).toEqual([
      ["learn python", expect.stringContaining("/courses/python"), 3352.5],
      ["python tips", expect.stringContaining("/blog/tips"), 1680],
      ["learn python", expect.stringContaining("/blog/tips"), 1190],
    ]);
    // Position 6 expects 5.1 %; 2 % is under half of it: 500 × 0.031 × 0.5 × 149 = 1154.75.
    expect(value(o.low_ctr)).toEqual([["learn python", expect.stringContaining("/courses/python"), 1154.75]]);
    expect(o.cannibalisation.map((q) => [q.query, q.pages.length])).toEqual([["learn python", 2]]);
    // 1000 × 0.11 × 0.6 × (368 / 3) = 8096; the others are ranked, small, or hard.
    expect(o.unranked_keywords.map((k) => [k.keyword, k.value])).toEqual([["python 入门", 8096]]);

    // The ROI email's SEO section: the audit's counts (no audit yet) and the top striking-distance queries.
    const data = await loadReportData(
      siteDatabase(env, site.id),
      (await getSite(env.DB, { siteId: site.id }))!,
      "last_non_direct",
      DAY,
      DAY,
    );
    expect(data.seo).toEqual({
      errors: 0,
      warnings: 0,
      opportunities: [
        { query: "learn python", page: "/courses/python", position: 6, value: 3352.5 },
        { query: "python tips", page: "/blog/tips", position: 8, value: 1680 },
        { query: "learn python", page: "/blog/tips", position: 9, value: 1190 },
      ],
    });
    const options = { title: "Weekly", sections: ["seo"] as const, unsubscribeUrl: "https://w.test/u" };
    const text = renderText(data, options);
    expect(text).toContain("Search (SEO)");
    expect(text).toMatch(/learn python \(\/courses\/python, position 6\): .*3,352\.50/);
    expect(renderHtml(data, { ...options, locale: "zh-CN" })).toContain("搜索优化 (SEO)");
    expect(renderText(data, { ...options, sections: ["totals"] })).not.toContain("Search (SEO)");
  });
});
