// Users own their raw data: paged JSON, NDJSON and CSV exports of events and sessions.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, BROWSER_UA, collect, createSite, eventsLanded, expectError, pageview, unique } from "./helpers";

type Page = { data: Record<string, unknown>[]; next_cursor: string | null };

/** Every page of a listing, following next_cursor. */
async function allPages(path: string, token: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(`${path}${cursor ? `&cursor=${cursor}` : ""}`, { token });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as Page;
    rows.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return rows;
}

describe("raw data listings", () => {
  it("pages events with a cursor, filters by type and time, and exports NDJSON and CSV", async () => {
    const site = await createSite();
    const t0 = Date.now() - 3600_000;
    const views = Array.from({ length: 5 }, (_, i) => pageview(`${site.origin}/p${i}`, { ts: t0 + i * 1000 }));
    const custom = { id: unique(), type: "custom", name: '=HYPERLINK("x")', url: `${site.origin}/c`, ts: t0 + 10_000 };
    await collect(site, [...views, custom], { ip: "10.3.3.3" });
    await eventsLanded(site.id, 6);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/events?type=pageview&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await api(q, { token: site.read })).json()) as {
        data: { id: string }[];
        next_cursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    // Without `from`, newest first: what was just sent is on the first page.
    expect(seen).toEqual(views.map((v) => v.id).reverse());

    const ranged = (await (
      await api(`/api/v1/events?from=${t0 + 1000}&to=${t0 + 3000}`, { token: site.read })
    ).json()) as { data: { id: string }[] };
    await expectDocumented("GET /api/v1/events", 200, ranged);
    expect(ranged.data.map((e) => e.id)).toEqual([views[1]!.id, views[2]!.id]);

    const ndjson = await api("/api/v1/events?format=ndjson&order=asc", { token: site.read });
    expect(ndjson.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = new TextDecoder()
      .decode(await ndjson.arrayBuffer())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; channel: string; session_id: string });
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ id: views[0]!.id, channel: "Direct" });
    expect(lines[0]!.session_id).toMatch(/^s_/);

    const csv = await (await api("/api/v1/events?format=csv", { token: site.read })).text();
    const [header, ...rows] = csv.trim().split("\n");
    expect(header!.split(",")).toEqual(
      expect.arrayContaining([
        "id",
        "type",
        "source",
        "medium",
        "campaign",
        "channel",
        "device",
        "country",
        "session_id",
        "visitor_id",
      ]),
    );
    expect(rows).toHaveLength(6);
    expect(csv).toContain(`"'=HYPERLINK`); // formula escaped for spreadsheets
  });

  it("exports the same rows as JSON, NDJSON and CSV, nested items and props as JSON text", async () => {
    const site = await createSite();
    const t0 = Date.now() - 600_000;
    const tricky = '你好, "世界"\n第二行';
    const purchase = {
      id: unique("buy"),
      type: "purchase",
      ts: t0,
      user_id: "learner-7",
      user_agent: BROWSER_UA,
      order_id: "9001",
      revenue: 298.5,
      currency: "CNY",
      items: [
        { id: "py-101", name: 'Python 入门, "基础"\n第二版', price: 199, quantity: 1 },
        { id: "ds-201", name: "数据科学", price: 99.5 },
      ],
      props: { note: tricky, coupon: "春节,八折", seats: 3, gift: true, referrer_note: null },
    };
    const custom = {
      id: unique("c"),
      type: "custom",
      name: '分享, "课程"',
      ts: t0 + 1000,
      user_id: "learner-7",
      user_agent: BROWSER_UA,
      props: { channel: "微信\n群" },
    };
    const view = {
      id: unique("v"),
      type: "pageview",
      ts: t0 + 2000,
      user_id: "learner-7",
      user_agent: BROWSER_UA,
      url: "https://example.com/courses/py-101?utm_source=zhihu",
      title: 'Python 入门, "基础"\n课程页',
    };
    const sent = await api("/api/v1/events", {
      method: "POST",
      token: site.ingest,
      json: { events: [purchase, custom, view] },
    });
    expect(sent.status, await sent.clone().text()).toBe(202);
    await eventsLanded(site.id, 3);

    const query = `/api/v1/events?from=${t0}&to=${t0 + 3000}`;
    const json = (await (await api(query, { token: site.read })).json()) as Page;
    expect(json.data.map((e) => e.id)).toEqual([purchase.id, custom.id, view.id]);
    const stored = json.data[0]!;
    expect(stored.items).toEqual(purchase.items);
    expect(stored.props).toEqual(purchase.props);

    const ndjson = new TextDecoder().decode(
      await (await api(`${query}&format=ndjson`, { token: site.read })).arrayBuffer(),
    );
    expect(
      ndjson
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(json.data);

    const csv = await (await api(`${query}&format=csv`, { token: site.read })).text();
    expect(csv).not.toContain("[object Object]");
    const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual(Object.keys(json.data[0]!));
    expect(parsed.data).toHaveLength(json.data.length);
    json.data.forEach((row, i) => {
      const cells = parsed.data[i]!;
      for (const [field, value] of Object.entries(row)) {
        const cell = cells[field];
        if (value === null) expect(cell, field).toBe("");
        else if (typeof value === "object") expect(JSON.parse(cell!), field).toEqual(value);
        else expect(cell, field).toBe(String(value));
      }
    });
  });

  it("lists newest first without `from`, and pages through every event exactly once", async () => {
    const site = await createSite();
    const t0 = Date.now() - 3600_000;
    // Pairs share a timestamp, so pages must break ties by id in the same direction.
    const older = Array.from({ length: 7 }, (_, i) =>
      pageview(`${site.origin}/p${i}`, { ts: t0 + Math.floor(i / 2) * 1000 }),
    );
    await collect(site, older, { ip: "10.4.4.4" });
    const latest = pageview(`${site.origin}/just-sent`);
    await collect(site, [latest], { ip: "10.4.4.5" });
    await eventsLanded(site.id, 8);

    const first = (await (await api("/api/v1/events", { token: site.read })).json()) as Page;
    expect(first.data[0]!.id).toBe(latest.id);

    const expected = [...older, latest].sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1)).map((e) => e.id);
    const paged = await allPages("/api/v1/events?limit=3", site.read);
    expect(paged.map((e) => e.id)).toEqual(expected);

    // An explicit order wins; a start (`from`) means oldest first.
    expect((await allPages("/api/v1/events?limit=3&order=asc", site.read)).map((e) => e.id)).toEqual(
      [...expected].reverse(),
    );
    expect((await allPages(`/api/v1/events?limit=3&from=${t0}`, site.read)).map((e) => e.id)).toEqual(
      [...expected].reverse(),
    );
    expect((await allPages(`/api/v1/events?limit=3&from=${t0}&order=desc`, site.read)).map((e) => e.id)).toEqual(
      expected,
    );

    // A newest-first cursor cannot continue an oldest-first listing.
    const page = (await (await api("/api/v1/events?limit=3", { token: site.read })).json()) as Page;
    await expectError(
      await api(`/api/v1/events?limit=3&order=asc&cursor=${page.next_cursor}`, { token: site.read }),
      400,
      "validation_failed",
      "cursor",
    );

    // Sessions too: the visitor who just arrived comes first.
    const sessions = (await (await api("/api/v1/sessions", { token: site.read })).json()) as Page;
    expect(sessions.data).toHaveLength(2);
    expect(sessions.data[0]!.landing_path).toBe("/just-sent");
  });

  it("names the accepted time formats when `from` or `to` is not one", async () => {
    const site = await createSite();
    for (const path of ["/api/v1/events", "/api/v1/sessions", "/api/v1/commissions", "/api/v1/payouts"]) {
      for (const field of ["from", "to"]) {
        const body = await expectError(
          await api(`${path}?${field}=yesterday`, { token: site.read }),
          400,
          "validation_failed",
          field,
        );
        const issue = body.error.issues.find((i) => i.path === field)!;
        expect(issue.message, path).toContain("ISO 8601 date");
        expect(issue.message, path).toContain("date-time");
        expect(issue.message, path).toContain("epoch milliseconds");
      }
    }
    for (const path of ["/api/v1/reports/roi", "/api/v1/reports/overview"]) {
      for (const field of ["from", "to"]) {
        const body = await expectError(
          await api(`${path}?${field}=yesterday`, { token: site.read }),
          400,
          "validation_failed",
          field,
        );
        expect(body.error.issues.find((i) => i.path === field)!.message, path).toContain("YYYY-MM-DD");
      }
    }
  });

  it("lists sessions with their entry attribution", async () => {
    const site = await createSite();
    await collect(site, [pageview(`${site.origin}/?utm_source=xiaohongshu&utm_medium=social&utm_campaign=note1`)]);
    await eventsLanded(site.id, 1);
    const res = (await (await api("/api/v1/sessions", { token: site.read })).json()) as {
      data: Record<string, unknown>[];
    };
    await expectDocumented("GET /api/v1/sessions", 200, res);
    expect(res.data).toHaveLength(1);
    expect(res.data[0]).toMatchObject({
      source: "xiaohongshu",
      medium: "social",
      campaign: "note1",
      channel: "Organic Social",
      pageviews: 1,
    });
  });
});
