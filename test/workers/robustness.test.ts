// Issue 20's findings, each pinned: a request whose work grows faster than its body is refused at a
// named limit; an overflowing money field is one refused row, not a 500; a catastrophic channel
// rule is refused on save and never run if stored; the key cache is bounded; creator partners
// belong to the site; hono's 415 speaks the envelope's code.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createSite } from "./helpers";
import { ATTRIBUTION_MAX_CHANNELS, MARKOV_MAX_STATES } from "../../models/attribution/limits";
import { KEY_CACHE_MAX, keyCacheSize } from "../../functions/edge/auth";
import { MAX_MONEY_AMOUNT } from "../../core/money";
import { unsafePatternReason } from "../../functions/edge/capture/safe-pattern";
import { partner } from "./partner-helpers";

const csv = (rows: string[]) => `path;total_conversions;total_conversion_value;total_null\n${rows.join("\n")}`;
const attribution = (token: string, body: string, query = "") =>
  api(`/api/v1/attribution${query}`, { method: "POST", token, headers: { "content-type": "text/csv" }, body });
const oneLongPath = (n: number) => csv([`${Array.from({ length: n }, (_, i) => `c${i}`).join(" > ")};1;10;1`]);

describe("attribution cost guards", () => {
  it("accepts one path of ATTRIBUTION_MAX_CHANNELS channels and refuses one more", async () => {
    const site = await createSite();
    const atLimit = await attribution(site.read, oneLongPath(ATTRIBUTION_MAX_CHANNELS), "?models=linear");
    expect(atLimit.status).toBe(200);
    const over = await attribution(site.read, oneLongPath(ATTRIBUTION_MAX_CHANNELS + 1), "?models=linear");
    expect(over.status).toBe(413);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too_many_channels");
    expect(body.error.message).toContain(String(ATTRIBUTION_MAX_CHANNELS));
  });

  it("accepts a Markov chain of MARKOV_MAX_STATES states and refuses one more", async () => {
    const site = await createSite();
    // Order 2 over pairs "xI > yJ" (10 x's, 15 y's): states are (start), the 10 xI, and one per pair.
    const pairs = (n: number) => Array.from({ length: n }, (_, k) => `x${k % 10} > y${Math.floor(k / 10)};1;1;1`);
    const n = MARKOV_MAX_STATES - 11;
    expect(n).toBeGreaterThanOrEqual(10);
    expect(n).toBeLessThan(150);
    const ok = await attribution(site.read, csv(pairs(n)), "?models=markov&order=2");
    expect(ok.status, await ok.clone().text()).toBe(200);
    const over = await attribution(site.read, csv(pairs(n + 1)), "?models=markov&order=2");
    expect(over.status).toBe(413);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too_many_states");
    expect(body.error.message).toContain(String(MARKOV_MAX_STATES));
    // Heuristic models do not build the chain: the same paths pass.
    expect((await attribution(site.read, csv(pairs(n + 1)), "?models=linear")).status).toBe(200);
  });
});

describe("money bounds", () => {
  it("refuses an overflowing cost by its line and keeps the valid rows", async () => {
    const site = await createSite({ currency: "CNY" });
    const res = await api("/api/v1/costs", {
      method: "POST",
      token: site.admin,
      headers: { "content-type": "text/csv" },
      body:
        "date,source,medium,campaign,cost\n" +
        "2026-11-01,baidu,cpc,a,100\n" +
        "2026-11-01,baidu,cpc,b,1.8e306\n" +
        `2026-11-01,baidu,cpc,c,${MAX_MONEY_AMOUNT}\n` +
        `2026-11-01,baidu,cpc,d,${MAX_MONEY_AMOUNT * 10}\n`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { imported: number; rejected: { line: number }[] };
    expect(body.imported).toBe(2);
    expect(body.rejected.map((r) => r.line)).toEqual([3, 5]);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM costs WHERE site_id = ?")
      .bind(site.id)
      .first<{ n: number }>())!;
    expect(n).toBe(2);
  });

  it("bounds revenue, item prices and budgets the same way", async () => {
    const site = await createSite({ currency: "CNY" });
    const over = MAX_MONEY_AMOUNT * 2;
    const events = await api("/api/v1/events", {
      method: "POST",
      token: site.ingest,
      json: { events: [{ id: "e1", type: "purchase", user_id: "u", revenue: over, currency: "CNY", order_id: "o" }] },
    });
    expect(events.status).toBeLessThan(500);
    const ev = (await events.json()) as { accepted?: number; rejected?: unknown[] };
    expect(ev.accepted ?? 0).toBe(0);
    const item = await api("/api/v1/items/i1", {
      method: "PUT",
      token: site.ingest,
      json: { title: "x", price: over, currency: "CNY" },
    });
    expect(item.status).toBe(400);
    const budget = await api(`/api/v1/reports/budget?budget=${over}`, { token: site.read });
    expect(budget.status).toBe(400);
  });
});

describe("channel rules", () => {
  it("refuses catastrophic patterns when a rule is saved", async () => {
    const site = await createSite();
    for (const source of ["(a+)+$", "(a|a)*b", "(.*a){10}", "(x+x+)+y", "\\w*\\w*\\w*\\w*z", "(a)\\1"]) {
      const res = await api(`/api/v1/sites/${site.id}`, {
        method: "PATCH",
        token: site.admin,
        json: { channel_rules: [{ channel: "X", source }] },
      });
      expect(res.status, source).toBe(400);
      expect(JSON.stringify(await res.json())).toContain("exponential time");
    }
    for (const source of ["wecom|wxwork", ".*google.*", "^(wechat|weixin)$", "(www\\.)?baidu\\.com", "[a-z]{2,8}"]) {
      expect(unsafePatternReason(source), source).toBeNull();
    }
  });

  it("never runs a catastrophic rule stored before the check", async () => {
    const site = await createSite();
    await env.DB.prepare("UPDATE sites SET channel_rules = ? WHERE id = ?")
      .bind(JSON.stringify([{ channel: "Evil", source: "(a+)+" }]), site.id)
      .run();
    // "aaaa…a!" makes (a+)+ backtrack 2^n times; the skipped rule answers at once and never matches.
    const res = await api(`/api/v1/classify?site_id=${site.id}`, {
      method: "POST",
      token: site.read,
      json: { url: `https://x.example/?utm_source=${"a".repeat(40)}!&utm_medium=cpc` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { channel: string }).channel).not.toBe("Evil");
    const plain = await api(`/api/v1/classify?site_id=${site.id}`, {
      method: "POST",
      token: site.read,
      json: { url: "https://x.example/?utm_source=aaa&utm_medium=cpc" },
    });
    expect(((await plain.json()) as { channel: string }).channel).not.toBe("Evil");
  });
});

describe("smaller findings", () => {
  it("does not cache unknown tokens", async () => {
    const before = keyCacheSize();
    for (let i = 0; i < 20; i++) {
      const res = await api("/api/v1/sites", { token: `wf_sk_random${i}${Math.random()}` });
      expect(res.status).toBe(401);
    }
    expect(keyCacheSize()).toBeLessThanOrEqual(Math.min(before, KEY_CACHE_MAX));
  });

  it("refuses a creator partner of another site", async () => {
    const [a, b] = [await createSite(), await createSite()];
    const foreign = await partner(b);
    const own = await partner(a);
    const put = await api("/api/v1/items/c1", {
      method: "PUT",
      token: a.ingest,
      json: { title: "x", creator_partner_id: foreign.id },
    });
    expect(put.status).toBe(400);
    const bulk = await api("/api/v1/items", {
      method: "POST",
      token: a.ingest,
      json: {
        items: [
          { id: "c2", title: "x", creator_partner_id: foreign.id },
          { id: "c3", title: "y", creator_partner_id: own.id },
        ],
      },
    });
    expect(bulk.status).toBe(200);
    const body = (await bulk.json()) as { stored: number; rejected: { index: number }[] };
    expect(body.stored).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([0]);
  });

  it("answers a wrong media type on /api/v1/classify with unsupported_media_type", async () => {
    const site = await createSite();
    const res = await api("/api/v1/classify", {
      method: "POST",
      token: site.read,
      headers: { "content-type": "application/xml" },
      body: "<x/>",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unsupported_media_type");
  });
});
