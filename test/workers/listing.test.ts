// Users own their raw data: paged JSON, NDJSON and CSV exports of events and sessions.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, collect, createSite, eventsLanded, pageview, unique } from "./helpers";

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
    expect(seen).toEqual(views.map((v) => v.id));

    const ranged = (await (
      await api(`/api/v1/events?from=${t0 + 1000}&to=${t0 + 3000}`, { token: site.read })
    ).json()) as { data: { id: string }[] };
    await expectDocumented("GET /api/v1/events", 200, ranged);
    expect(ranged.data.map((e) => e.id)).toEqual([views[1]!.id, views[2]!.id]);

    const ndjson = await api("/api/v1/events?format=ndjson", { token: site.read });
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
