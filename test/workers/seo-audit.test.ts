// The on-page audit against a small fake site: every check fails on the bad page and passes on the
// good one; robots.txt and the own-domain limit are respected; findings come back through the API.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AUDIT_CHECKS, robotsAllows, sitemapUrls } from "../../models/seo/audit";
import { auditSite } from "../../jobs/seo/audit";
import { expectDocumented } from "./documented";
import { api, createSite } from "./helpers";

const GOOD = `<!doctype html><html lang="zh-CN"><head>
<title>Python 课程：从入门到实战</title>
<meta name="description" content="Python 课程，面向零基础学员：十二周从语法到项目实战，配套练习、答疑与结业证书。">
<link rel="canonical" href="https://HOST/good">
<link rel="alternate" hreflang="zh-CN" href="https://HOST/good"><link rel="alternate" hreflang="x-default" href="https://HOST/good">
<meta property="og:title" content="Python 课程"><meta property="og:description" content="从入门到实战"><meta property="og:image" content="https://HOST/og.png">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Course","name":"Python 课程","description":"从入门到实战","provider":{"@type":"Organization","name":"Wayfind"}}</script>
</head><body><h1>Python 课程</h1><h2>大纲</h2><h3>第一周</h3><img src="a.png" alt="课程封面">
<a href="/syllabus">查看完整课程大纲</a></body></html>`;

const BAD = `<html><head><meta name="robots" content="noindex,nofollow">
<link rel="alternate" hreflang="chinese simplified" href="/x">
<script type="application/ld+json">{"@type":"Course","name":"Python"}</script>
</head><body><h1>欢迎</h1><h1>再次欢迎</h1><h3>跳级</h3><img src="b.png">
<a href="/a">点击这里</a> <a href="/b">Read more</a></body></html>`;

describe("robots.txt and sitemaps", () => {
  it("applies the most specific group and the longest rule, and reads sitemap indexes", () => {
    const robots = "User-agent: *\nDisallow: /private\nAllow: /private/ok\n\nUser-agent: BadBot\nDisallow: /\n";
    expect(robotsAllows(robots, "/private/x")).toBe(false);
    expect(robotsAllows(robots, "/private/ok/1")).toBe(true);
    expect(robotsAllows(robots, "/public")).toBe(true);
    expect(robotsAllows(robots, "/public", "BadBot/1.0")).toBe(false);
    expect(robotsAllows("User-agent: *\nDisallow: /*.pdf$\n", "/a.pdf")).toBe(false);
    expect(robotsAllows("", "/anything")).toBe(true);
    expect(sitemapUrls("<sitemapindex><sitemap><loc>https://a/s1.xml</loc></sitemap></sitemapindex>")).toEqual({
      urls: ["https://a/s1.xml"],
      isIndex: true,
    });
  });
});

describe("the on-page audit", () => {
  it("fails every check on the bad page, passes them on the good one, respects robots.txt and the domain", async () => {
    const site = await createSite();
    const host = new URL(site.origin).host;
    const now = Date.parse("2026-11-25T00:00:00Z");
    // The pages' main query, so query coverage is checked too.
    const imported = await api("/api/v1/search-performance", {
      method: "POST",
      token: site.admin,
      json: {
        dimensions: ["date", "query", "page"],
        rows: [
          { keys: ["2026-11-20", "python 课程", `https://${host}/good`], clicks: 9, impressions: 90, position: 3 },
          { keys: ["2026-11-20", "python 课程", `https://${host}/bad`], clicks: 1, impressions: 90, position: 9 },
        ],
      },
    });
    expect(imported.status).toBe(200);

    const requested: string[] = [];
    const pages: Record<string, () => Response> = {
      "/robots.txt": () => new Response("User-agent: *\nDisallow: /private\n"),
      "/sitemap.xml": () =>
        new Response(
          "<sitemapindex><sitemap><loc>https://HOST/pages.xml</loc></sitemap><sitemap><loc>https://elsewhere.example.net/s.xml</loc></sitemap></sitemapindex>".replace(
            "HOST",
            host,
          ),
        ),
      "/pages.xml": () =>
        new Response(
          `<urlset><url><loc>https://${host}/good</loc></url><url><loc>https://${host}/bad</loc></url>` +
            `<url><loc>https://${host}/private/secret</loc></url><url><loc>https://elsewhere.example.net/x</loc></url></urlset>`,
        ),
      "/good": () => new Response(GOOD.replaceAll("HOST", host), { headers: { "content-type": "text/html" } }),
      "/bad": () => new Response(BAD, { status: 404, headers: { "content-type": "text/html" } }),
    };
    const fetcher = async (request: Request) => {
      requested.push(request.url);
      const url = new URL(request.url);
      expect(url.host).toBe(host);
      return pages[url.pathname]?.() ?? new Response("no", { status: 404 });
    };
    const result = await auditSite(
      siteDatabase(env, site.id),
      { id: site.id, domain: host, allowedOrigins: [] },
      fetcher,
      now,
    );
    expect(result.pages).toBe(2);
    expect(requested.map((u) => new URL(u).pathname)).toEqual([
      "/robots.txt",
      "/sitemap.xml",
      "/pages.xml",
      "/good",
      "/bad",
    ]);
    expect(result.skipped).toEqual([
      { url: "https://elsewhere.example.net/s.xml", reason: "other_domain" },
      { url: `https://${host}/private/secret`, reason: "robots" },
      { url: "https://elsewhere.example.net/x", reason: "other_domain" },
    ]);

    const checksOn = (path: string) => new Set(result.findings.filter((f) => f.url.endsWith(path)).map((f) => f.check));
    expect([...checksOn("/good")]).toEqual([]);
    expect([...checksOn("/bad")].sort()).toEqual([...AUDIT_CHECKS].sort());

    const res = await api("/api/v1/seo/audit", { token: site.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      audited_at: string;
      counts: Record<string, number>;
      findings: { severity: string; check: string }[];
    };
    await expectDocumented("GET /api/v1/seo/audit", 200, body);
    expect(body.audited_at).toBe(new Date(now).toISOString());
    expect(body.findings.length).toBe(result.findings.length);
    expect(body.findings[0]!.severity).toBe("error");
    expect(body.findings.find((f) => f.check === "noindex")?.severity).toBe("error");
    expect(body.counts.error).toBeGreaterThanOrEqual(3); // status, title, h1, noindex

    // What the ranking model reads: the pages that answered 200, their words and Course data.
    const stored = await env.DB.prepare(
      "SELECT path, h1, words, links_in, structured_data FROM seo_pages WHERE site_id = ?1",
    )
      .bind(site.id)
      .all();
    // "Python 课程" 3 + "大纲" 2 + "第一周" 3 + "查看完整课程大纲" 8.
    expect(stored.results).toEqual([{ path: "/good", h1: "Python 课程", words: 16, links_in: 0, structured_data: 1 }]);
    const ranking = await api("/api/v1/seo/ranking-model?from=2026-11-01&to=2026-11-25", { token: site.read });
    expect(ranking.status).toBe(200);
    const rBody = (await ranking.json()) as { rows: number; model: unknown; skipped: string };
    await expectDocumented("GET /api/v1/seo/ranking-model", 200, rBody);
    expect(rBody).toMatchObject({ rows: 1, model: null, skipped: expect.stringContaining("Too few") });
  });
});

describe("an unreachable robots.txt", () => {
  it("fetches no page when robots.txt answers 5xx", async () => {
    const site = await createSite();
    const host = new URL(site.origin).host;
    const requested: string[] = [];
    const fetcher = async (request: Request) => {
      requested.push(new URL(request.url).pathname);
      if (request.url.endsWith("/robots.txt")) return new Response("down", { status: 503 });
      if (request.url.endsWith("/sitemap.xml"))
        return new Response(`<urlset><url><loc>https://${host}/good</loc></url></urlset>`);
      return new Response(GOOD);
    };
    const result = await auditSite(
      siteDatabase(env, site.id),
      { id: site.id, domain: host, allowedOrigins: [] },
      fetcher,
    );
    expect(result.pages).toBe(0);
    expect(requested).toEqual(["/robots.txt", "/sitemap.xml"]);
    expect(result.skipped).toEqual([{ url: `https://${host}/good`, reason: "robots" }]);
  });
});
