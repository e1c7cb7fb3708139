// JSON columns hold the JSON text of their value, written once: drizzle's json mode on API writes and
// JSON.stringify on raw-SQL writes store the same bytes, never a string encoded twice, so raw SQL
// (json_each, json_extract) and the API read the same values.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createSite } from "./helpers";

async function stored(sql: string, ...params: unknown[]) {
  return (await env.DB.prepare(sql)
    .bind(...params)
    .first())!;
}

describe("JSON columns", () => {
  it("store the JSON text of what the API was given, readable by raw SQL and by the API", async () => {
    const origins = ["https://a.example.com", "https://b.example.com"];
    const rules = [{ channel: "Partners", source: "kol-.*" }];
    const site = await createSite({ allowed_origins: origins, channel_rules: rules });
    expect(
      await stored(
        "SELECT allowed_origins, channel_rules, json_extract(channel_rules, '$[0].channel') AS first FROM sites WHERE id = ?1",
        site.id,
      ),
    ).toEqual({ allowed_origins: JSON.stringify(origins), channel_rules: JSON.stringify(rules), first: "Partners" });
    const siteView = (await (await api(`/api/v1/sites/${site.id}`, { token: env.ADMIN_TOKEN })).json()) as Record<
      string,
      unknown
    >;
    expect(siteView).toMatchObject({ allowed_origins: origins, channel_rules: rules });

    // Written by raw SQL (json_each over the bulk payload), read through drizzle.
    const tags = ["python", "数据分析"];
    const put = await api(`/api/v1/items/c-1?site_id=${site.id}`, {
      method: "PUT",
      token: site.admin,
      json: { title: "Python", tags },
    });
    expect(put.status).toBe(200);
    expect(await stored("SELECT tags FROM items WHERE site_id = ?1 AND id = 'c-1'", site.id)).toEqual({
      tags: JSON.stringify(tags),
    });
    expect(((await put.json()) as { tags: unknown }).tags).toEqual(tags);
    const item = (await (await api(`/api/v1/items/c-1?site_id=${site.id}`, { token: site.read })).json()) as {
      tags: unknown;
    };
    expect(item.tags).toEqual(tags);

    const sub = await api(`/api/v1/report-subscriptions?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { recipients: ["Boss@Example.com"], frequency: "daily", sections: ["totals", "charts"] },
    });
    expect(sub.status).toBe(201);
    const subId = ((await sub.json()) as { id: string }).id;
    expect(
      await stored(
        "SELECT recipients, sections, (SELECT count(*) FROM json_each(recipients)) AS n FROM report_subscriptions WHERE id = ?1",
        subId,
      ),
    ).toEqual({ recipients: '["boss@example.com"]', sections: '["totals","charts"]', n: 1 });

    const rule = await api(`/api/v1/alert-rules?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { kind: "conversions_zero", recipients: ["ops@example.com"] },
    });
    expect(rule.status).toBe(201);
    const ruleId = ((await rule.json()) as { id: string }).id;
    expect(await stored("SELECT recipients FROM alert_rules WHERE id = ?1", ruleId)).toEqual({
      recipients: '["ops@example.com"]',
    });
    const ruleView = (await (
      await api(`/api/v1/alert-rules/${ruleId}?site_id=${site.id}`, { token: site.read })
    ).json()) as {
      recipients: unknown;
    };
    expect(ruleView.recipients).toEqual(["ops@example.com"]);
  });

  it("keep partner ratings, program weights and commission tiers as JSON through updates", async () => {
    const site = await createSite({ currency: "CNY" });
    const created = await api(`/api/v1/partners?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { type: "affiliate", name: "Lao Wang", ratings: { reputation: 4 } },
    });
    expect(created.status).toBe(201);
    const partnerId = ((await created.json()) as { id: string }).id;
    const patched = await api(`/api/v1/partners/${partnerId}?site_id=${site.id}`, {
      method: "PATCH",
      token: site.admin,
      json: { ratings: { resources: 5 } },
    });
    expect(((await patched.json()) as { ratings: unknown }).ratings).toEqual({ reputation: 4, resources: 5 });
    expect(await stored("SELECT ratings FROM partners WHERE site_id = ?1 AND id = ?2", site.id, partnerId)).toEqual({
      ratings: '{"reputation":4,"resources":5}',
    });

    for (const weights of [{ revenue: 3 }, { epc: 0 }]) {
      const res = await api(`/api/v1/partner-program?site_id=${site.id}`, {
        method: "PATCH",
        token: site.admin,
        json: { score_weights: weights },
      });
      expect(res.status).toBe(200);
    }
    expect(await stored("SELECT score_weights FROM partner_programs WHERE site_id = ?1", site.id)).toEqual({
      score_weights: '{"revenue":3,"epc":0}',
    });

    const rule = await api(`/api/v1/commission-rules?site_id=${site.id}`, {
      method: "POST",
      token: site.admin,
      json: { percent: 10, tiers: [{ from: 1000, percent: 15 }] },
    });
    expect(rule.status).toBe(201);
    expect(((await rule.json()) as { tiers: unknown }).tiers).toEqual([{ from: 1000, percent: 15, flat: null }]);
    expect(await stored("SELECT tiers FROM commission_rules WHERE site_id = ?1", site.id)).toEqual({
      tiers: '[{"fromMinor":100000,"rateBps":1500}]',
    });
  });
});
