// The raw archive's writer inside workerd: a day is read from D1 in pages (keyset, not offset) and
// each page is one Parquet row group; the day's bounds are [00:00, 24:00) UTC; rerunning a day
// replaces its file; a file larger than a part goes up as a multipart upload. Read back with hyparquet, the reader that pairs with the writer.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { ParquetWriter } from "hyparquet-writer";
import { R2ParquetWriter } from "../../jobs/archive/r2-writer";
import { archiveSiteDay } from "../../jobs/archive/run";
import { unique } from "./helpers";

const DAY = "2026-11-10";
const start = Date.parse(`${DAY}T00:00:00Z`);

async function addEvent(siteId: string, id: string, ts: number, revenue: number | null = null) {
  await env.DB.prepare(
    `INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device, revenue_minor, props)
     VALUES (?1, ?2, ?3, ?4, ?4, 'server', 's1', 'v1', 'zhihu', 'social', '', 'Organic Social', 'desktop', ?5, ?6)`,
  )
    .bind(siteId, id, revenue === null ? "pageview" : "purchase", ts, revenue, JSON.stringify({ n: id }))
    .run();
}

async function readBack(key: string) {
  const object = await env.ARCHIVE.get(key);
  const file = await object!.arrayBuffer();
  return { meta: parquetMetadata(file), rows: (await parquetReadObjects({ file })) as Record<string, unknown>[] };
}

describe("archiveSiteDay", () => {
  it("pages through the day in row groups, keeps the day's bounds, and replaces the day on a rerun", async () => {
    const siteId = unique("arch");
    // 23 events in the day, several sharing a timestamp (the page cursor is (ts, id)), and one on
    // each side of the day that must stay out.
    for (let i = 0; i < 23; i++)
      await addEvent(
        siteId,
        `e${String(i).padStart(2, "0")}`,
        start + Math.floor(i / 3) * 1000,
        i % 5 === 0 ? 9900 : null,
      );
    await addEvent(siteId, "before", start - 1);
    await addEvent(siteId, "last", start + 86_400_000 - 1);
    await addEvent(siteId, "after", start + 86_400_000);

    const manifest = await archiveSiteDay(siteDatabase(env, siteId), env.ARCHIVE, siteId, DAY, Date.now(), 7);
    const events = manifest.files.find((f) => f.table === "events")!;
    expect(events).toMatchObject({ key: `archive/site=${siteId}/date=${DAY}/events.parquet`, rows: 24 });
    const { meta, rows } = await readBack(events.key);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([7, 7, 7, 3]);
    expect(rows.map((r) => r.id)).toEqual([
      ...Array.from({ length: 23 }, (_, i) => `e${String(i).padStart(2, "0")}`),
      "last",
    ]);
    expect(rows.reduce((sum, r) => sum + Number(r.revenue_minor ?? 0), 0)).toBe(5 * 9900);
    expect(rows[0]).toMatchObject({
      site_id: siteId,
      type: "purchase",
      channel: "Organic Social",
      props: '{"n":"e00"}',
    });
    const stored = JSON.parse(
      await (await env.ARCHIVE.get(`archive/site=${siteId}/date=${DAY}/manifest.json`))!.text(),
    );
    expect(stored.files).toEqual(manifest.files);

    // A rerun after rows left D1 rewrites the day: the file has what D1 has now, nothing appended.
    await env.DB.prepare("DELETE FROM events WHERE site_id = ?1 AND id >= 'e10' AND id < 'e20'").bind(siteId).run();
    const again = await archiveSiteDay(siteDatabase(env, siteId), env.ARCHIVE, siteId, DAY, Date.now(), 7);
    expect(again.files.find((f) => f.table === "events")!.rows).toBe(14);
    expect((await readBack(events.key)).rows).toHaveLength(14);
  });

  it("writes a readable empty file for a day without rows", async () => {
    const siteId = unique("arch");
    const manifest = await archiveSiteDay(siteDatabase(env, siteId), env.ARCHIVE, siteId, DAY, Date.now());
    for (const f of manifest.files) {
      expect(f.rows).toBe(0);
      const { meta, rows } = await readBack(f.key);
      expect(Number(meta.num_rows)).toBe(0);
      expect(rows).toEqual([]);
    }
  });
});

describe("R2ParquetWriter", () => {
  it("streams a file larger than a part as equal multipart parts that read back whole", async () => {
    const key = `test/${unique("big")}.parquet`;
    const partBytes = 5 * 1024 * 1024; // R2's smallest part
    const writer = new R2ParquetWriter(env.ARCHIVE, key, {}, partBytes);
    const schema = [
      { name: "root", num_children: 2 },
      { name: "n", type: "INT64" as const, repetition_type: "REQUIRED" as const },
      {
        name: "noise",
        type: "BYTE_ARRAY" as const,
        converted_type: "UTF8" as const,
        repetition_type: "REQUIRED" as const,
      },
    ];
    const parquet = new ParquetWriter({ writer, schema, codec: "UNCOMPRESSED" });
    // 12,000 rows of 1 KB of hex that does not compress: about 12 MB, so two full parts and a rest.
    const hex = (i: number) =>
      Array.from({ length: 125 }, (_, j) => ((i * 2654435761 + j * 40503) >>> 0).toString(16).padStart(8, "0"))
        .join("")
        .slice(0, 1000);
    for (let g = 0; g < 12; g++) {
      const ids = Array.from({ length: 1000 }, (_, i) => g * 1000 + i);
      await parquet.write({
        columnData: [
          { name: "n", data: ids.map((i) => BigInt(i)) },
          { name: "noise", data: ids.map(hex) },
        ],
        rowGroupSize: 1000,
      });
    }
    await parquet.finish();
    expect(writer.size).toBeGreaterThan(2 * partBytes);
    const { meta, rows } = await readBack(key);
    expect(Number(meta.num_rows)).toBe(12_000);
    expect(rows[11_999]).toEqual({ n: 11_999n, noise: hex(11_999) });
    const head = (await env.ARCHIVE.head(key))!;
    expect(head.size).toBe(writer.size);
    expect(head.etag).toMatch(/-3$/); // a multipart object's etag ends with its part count
  });
});
