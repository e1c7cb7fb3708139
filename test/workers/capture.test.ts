import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import {
  api,
  collect,
  createSite,
  eventsLanded,
  eventually,
  IPHONE_UA,
  pageview,
  storedEvents,
  storedSessions,
  unique,
} from "./helpers";

describe("capture through the real queue into D1", () => {
  it("stores a page view once, enriched, even when the client retries it", async () => {
    const site = await createSite();
    const ev = pageview(
      `${site.origin}/courses/python?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=abc`,
      {
        referrer: "https://www.google.com/",
        title: "Python 入门",
        screen: "390x844",
        language: "zh-CN",
      },
    );
    const ip = "10.1.2.3";
    const first = await collect(site, [ev], { ip, ua: IPHONE_UA, cf: { country: "CN", region: "Guangdong" } });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ accepted: 1, rejected: [], dropped: 0, dropped_reasons: [] });
    await collect(site, [ev], { ip, ua: IPHONE_UA }); // the snippet's retry: same id

    const [row, ...rest] = await eventsLanded(site.id, 1);
    await new Promise((r) => setTimeout(r, 1500)); // the retry's delivery
    expect(rest).toHaveLength(0);
    expect(await storedEvents(site.id)).toHaveLength(1);
    expect(row).toMatchObject({
      type: "pageview",
      path: "/courses/python",
      source: "google",
      medium: "cpc",
      campaign: "spring",
      channel: "Paid Search",
      click_id_type: "gclid",
      click_id: "abc",
      device: "mobile",
      os: "iOS",
      browser: "Mobile Safari",
      title: "Python 入门",
      origin: "browser",
      country: "CN",
      region: "Guangdong",
    });
    expect(String(row!.visitor_id)).toMatch(/^h_[0-9a-f]{24}$/);
    // No raw IP anywhere in the row.
    expect(JSON.stringify(row)).not.toContain(ip);
  });

  it("classifies Chinese platforms and AI assistants by GA4's channel names", async () => {
    const site = await createSite();
    const cases: [string, string, string][] = [
      ["https://www.baidu.com/s?wd=python", "baidu", "Organic Search"],
      ["https://www.zhihu.com/question/1", "zhihu.com", "Organic Social"],
      ["https://www.bilibili.com/video/BV1", "bilibili.com", "Organic Video"],
      ["https://chatgpt.com/", "chatgpt.com", "AI Assistants"],
      ["https://blog.example.org/post", "blog.example.org", "Referral"],
    ];
    const events = cases.map(([referrer], i) => pageview(`${site.origin}/p${i}`, { referrer }));
    // Different clients, so each is its own visitor and session.
    for (const e of events) expect((await collect(site, [e])).status).toBe(202);
    const rows = await eventsLanded(site.id, cases.length);
    for (const [i, [, source, channel]] of cases.entries()) {
      expect(rows.find((r) => r.path === `/p${i}`)).toMatchObject({ source, channel });
    }
  });

  it("sessionises: 30 minutes idle or a new campaign starts a session; the session keeps its entry", async () => {
    const site = await createSite();
    const ip = "10.9.9.9";
    const t0 = Date.now() - 3 * 3600_000;
    const landing = pageview(`${site.origin}/?utm_source=newsletter&utm_medium=email&utm_campaign=may&ref=alice`, {
      ts: t0,
    });
    const inner = pageview(`${site.origin}/courses`, { ts: t0 + 10 * 60_000, referrer: `${site.origin}/` });
    const engaged = {
      id: unique(),
      type: "engagement",
      url: `${site.origin}/courses`,
      engaged_ms: 42_000,
      ts: t0 + 11 * 60_000,
    };
    const idle = pageview(`${site.origin}/pricing`, { ts: t0 + 50 * 60_000 });
    const newCampaign = pageview(`${site.origin}/?utm_source=weibo&utm_medium=social`, { ts: t0 + 55 * 60_000 });
    expect((await collect(site, [landing, inner, engaged, idle, newCampaign], { ip })).status).toBe(202);

    const rows = await eventsLanded(site.id, 5);
    const sessionOf = (id: string) => rows.find((r) => r.id === id)!.session_id;
    expect(sessionOf(inner.id)).toBe(sessionOf(landing.id));
    expect(sessionOf(engaged.id)).toBe(sessionOf(landing.id));
    expect(sessionOf(idle.id)).not.toBe(sessionOf(landing.id));
    expect(sessionOf(newCampaign.id)).not.toBe(sessionOf(idle.id));

    const sessions = await storedSessions(site.id);
    expect(sessions).toHaveLength(3);
    expect(sessions[0]).toMatchObject({
      source: "newsletter",
      medium: "email",
      campaign: "may",
      channel: "Email",
      partner_code: "alice",
      landing_path: "/",
      pageviews: 2,
      events: 3,
      engaged_ms: 42_000,
    });
    expect(sessions[2]).toMatchObject({ source: "weibo", channel: "Organic Social" });
    // The inner page view (internal referrer) is credited to the session's entry.
    expect(rows.find((r) => r.id === inner.id)).toMatchObject({
      source: "newsletter",
      channel: "Email",
      partner_code: "alice",
    });
  });

  it("stitches a server purchase to the visitor who signed up, and the server purchase wins", async () => {
    const site = await createSite();
    const ip = "10.7.7.7";
    const t0 = Date.now() - 3600_000;
    const land = pageview(`${site.origin}/?utm_source=douyin&utm_medium=paid&utm_campaign=launch`, { ts: t0 });
    const signup = {
      id: unique(),
      type: "signup",
      user_id: "learner-1",
      url: `${site.origin}/signup`,
      ts: t0 + 60_000,
    };
    const browserBuy = {
      id: unique(),
      type: "purchase",
      order_id: "order-1",
      revenue: 199.9,
      currency: "CNY",
      user_id: "learner-1",
      url: `${site.origin}/thanks`,
      ts: t0 + 120_000,
    };
    expect((await collect(site, [land, signup, browserBuy], { ip })).status).toBe(202);
    await eventsLanded(site.id, 3);

    const serverBuy = {
      id: unique(),
      type: "purchase",
      order_id: "order-1",
      revenue: 199,
      currency: "CNY",
      user_id: "learner-1",
      ts: t0 + 130_000,
    };
    const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events: [serverBuy] } });
    expect(res.status).toBe(202);
    const rows = await eventsLanded(site.id, 4);

    const server = rows.find((r) => r.id === serverBuy.id)!;
    const browser = rows.find((r) => r.id === browserBuy.id)!;
    expect(server).toMatchObject({ origin: "server", revenue_minor: 19900, currency: "CNY", superseded: 0 });
    expect(browser).toMatchObject({ revenue_minor: 19990, superseded: 1 });
    // The server event named only the user: it joined that user's visitor and open session.
    expect(server.visitor_id).toBe(rows.find((r) => r.id === land.id)!.visitor_id);
    expect(server.session_id).toBe(rows.find((r) => r.id === land.id)!.session_id);
    // The server event carries no landing of its own: it is credited to its session's entry.
    expect(server).toMatchObject({ source: "douyin", medium: "paid", campaign: "launch", channel: "Paid Social" });
    const [session] = await storedSessions(site.id);
    expect(session).toMatchObject({ channel: "Paid Social", user_id: "learner-1" });
  });

  it("takes the device from the screen when the user agent names none", async () => {
    const site = await createSite();
    await collect(site, [
      pageview(`${site.origin}/narrow`, { screen: "390x844" }),
      pageview(`${site.origin}/wide`, { screen: "1920x1080" }),
    ]);
    const rows = await eventsLanded(site.id, 2);
    expect(rows.find((r) => r.path === "/narrow")).toMatchObject({ device: "mobile", browser: "Chrome", os: "Mac OS" });
    expect(rows.find((r) => r.path === "/wide")).toMatchObject({ device: "desktop" });
  });

  it("counts bots without storing them as events", async () => {
    const site = await createSite();
    const bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    const res = await collect(site, [pageview(`${site.origin}/`), pageview(`${site.origin}/a`)], { ua: bot });
    const body = await res.json();
    await expectDocumented("POST /api/collect", 202, body);
    expect(body).toEqual({
      accepted: 0,
      rejected: [],
      dropped: 2,
      dropped_reasons: [0, 1].map((index) => ({ index, reason: "bot", message: expect.stringContaining("Googlebot") })),
    });
    const { env } = await import("cloudflare:test");
    const hits = await eventually(async () =>
      env.DB.prepare("SELECT agent, hits FROM bot_hits WHERE site_id = ?1")
        .bind(site.id)
        .first<{ agent: string; hits: number }>(),
    );
    expect(hits.hits).toBe(2);
    expect(hits.agent.toLowerCase()).toContain("googlebot");
    expect(await storedEvents(site.id)).toHaveLength(0);
  });

  it("says why an event was dropped: curl's user agent is a bot's", async () => {
    const site = await createSite();
    const events = [pageview(`${site.origin}/`), { id: "bad", type: "nope" }];
    const res = await collect(site, events, { ua: "curl/8.5.0" });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      rejected: { index: number }[];
      dropped: number;
      dropped_reasons: { index: number; reason: string; message: string }[];
    };
    await expectDocumented("POST /api/collect", 202, body);
    expect(body.accepted).toBe(0);
    expect(body.rejected.map((r) => r.index)).toEqual([1]);
    expect(body.dropped).toBe(1);
    expect(body.dropped_reasons).toEqual([{ index: 0, reason: "bot", message: expect.stringContaining("curl") }]);
    expect(body.dropped_reasons[0]!.message).toContain("POST /api/v1/events");
  });
});
