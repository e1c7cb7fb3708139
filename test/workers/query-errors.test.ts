// Bad and costly queries get the standard error envelope naming the field at fault; site isolation;
// and the largest query the limits allow stays inside D1's bound-parameter and statement-size limits.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { offsetPieces } from "../../models/analytics/query-dates";
import { minorFactors } from "../../models/analytics/query-metrics";
import { type CompiledQuery, type Filter, METRICS, parseDimension } from "../../models/analytics/query-spec";
import {
  byteLength,
  D1_MAX_BOUND_PARAMS,
  D1_MAX_STATEMENT_BYTES,
  QUERY_MAX_DIMENSIONS,
  QUERY_MAX_FILTER_LEAVES,
  QUERY_MAX_FILTER_VALUES,
  QUERY_MAX_LIMIT,
  QUERY_MAX_VALUE_LENGTH,
} from "../../schema/limits";
import { compileQuery } from "../../schema/queries/query-compile";
import { api, createSite, expectError, type TestSite } from "./helpers";
import { ok, query, seedQuerySite } from "./query-helpers";

let site: TestSite;
beforeAll(async () => {
  site = await seedQuerySite();
});

async function bad(body: Record<string, unknown>, path: string, code = "validation_failed") {
  return expectError(await query(site, body), 400, code, path);
}

describe("bad queries", () => {
  it("names an unknown metric and lists the known ones", async () => {
    const body = await bad({ metrics: ["visitors", "visits", "foo"] }, "metrics.2");
    expect(body.error.issues[0]!.message).toBe(`Unknown metric 'foo'. Known: ${METRICS.join(", ")}.`);
    await bad({ metrics: [] }, "metrics");
    await bad({ metrics: ["visits", "visits"] }, "metrics.1");
  });

  it("names an unknown or repeated dimension", async () => {
    const body = await bad({ metrics: ["visits"], dimensions: ["visit:city"] }, "dimensions.0");
    expect(body.error.issues[0]!.message).toMatch(/^Unknown dimension 'visit:city'\. Known: visit:channel/);
    await bad({ metrics: ["visits"], dimensions: ["visit:source", "visit:source"] }, "dimensions.1");
    await bad({ metrics: ["visits"], dimensions: ["time:day", "time:hour"] }, "dimensions.1");
    await bad({ metrics: ["visits"], dimensions: ['event:props:a"b'] }, "dimensions.0");
    await bad({ metrics: ["visits"], dimensions: ["segment:Bad-Kind"] }, "dimensions.0");
  });

  it("names the bad part of a filter, however deep", async () => {
    await bad({ metrics: ["visits"], filters: [["equals", "visit:source", ["x"]]] }, "filters.0");
    await bad({ metrics: ["visits"], filters: [["is", "visit:foo", ["x"]]] }, "filters.0.1");
    await bad(
      {
        metrics: ["visits"],
        filters: [
          [
            "and",
            [
              ["is", "visit:source", ["x"]],
              ["is", "visit:bar", ["y"]],
            ],
          ],
        ],
      },
      "filters.0.1.1.1",
    );
    await bad({ metrics: ["visits"], filters: [["is", "visit:source", []]] }, "filters.0.2");
    await bad({ metrics: ["visits"], filters: [["is", "time:day", ["2026-11-01"]]] }, "filters.0.1");
    const regex = await bad(
      { metrics: ["visits"], filters: [["not", ["matches", "event:page", ["^/ok$", "(a|b)"]]]] },
      "filters.0.1.2.1",
    );
    expect(regex.error.issues[0]!.message).toMatch(/Groups are not supported.*Supported: literal characters/);
    await bad({ metrics: ["visits"], filters: [["matches", "event:page", ["/a+"]]] }, "filters.0.2.0");
  });

  it("names order_by, include and the date range", async () => {
    await bad({ metrics: ["visits"], order_by: [["visitors", "desc"]] }, "order_by.0.0");
    await bad({ metrics: ["visits"], order_by: [["visits", "up"]] }, "order_by.0.1");
    await bad({ metrics: ["visits"], include: { time_labels: true } }, "include.time_labels");
    await bad({ metrics: ["visits"], date_range: "yesterday" }, "date_range");
    await bad({ metrics: ["visits"], date_range: ["2026-11-02", "2026-10-31"] }, "date_range");
    await bad({ metrics: ["visits"], date_range: ["2026-11-02", "2026-11-03T00:00:00Z"] }, "date_range");
    await bad({ metrics: ["visits"], compare: "last_year" }, "compare");
  });

  it("refuses unknown fields, as Plausible does", async () => {
    const res = await api("/api/v1/query", {
      method: "POST",
      token: site.read,
      json: { metrics: ["visits"], date_range: "7d", metric: ["visits"] },
    });
    const body = await expectError(res, 400, "validation_failed");
    expect(body.error.issues[0]!.message).toMatch(/metric/);
  });

  it("answers query_too_large with the field at fault", async () => {
    const range = await bad(
      { metrics: ["visits"], date_range: ["2020-01-01", "2026-01-01"] },
      "date_range",
      "query_too_large",
    );
    expect(range.error.issues[0]!.message).toMatch(/2193 days; at most 732/);
    await bad(
      { metrics: ["visits"], dimensions: ["time:hour"], date_range: ["2026-09-01", "2026-10-31"] },
      "dimensions.0",
      "query_too_large",
    );
    const leaf = ["is", "visit:source", ["x"]];
    await bad(
      { metrics: ["visits"], filters: [["or", Array.from({ length: QUERY_MAX_FILTER_LEAVES + 1 }, () => leaf)]] },
      `filters.0.1.${QUERY_MAX_FILTER_LEAVES}`,
      "query_too_large",
    );
    let deep: unknown = leaf;
    for (let i = 0; i < 6; i++) deep = ["not", deep];
    await bad({ metrics: ["visits"], filters: [deep] }, "filters.0.1.1.1.1.1.1", "query_too_large");
    const rows = await bad({ metrics: ["visits"], pagination: { limit: QUERY_MAX_LIMIT + 1 } }, "pagination.limit");
    expect(rows.error.issues[0]!.message).toMatch(/At most 1000 rows per page/);
  });
});

describe("site isolation", () => {
  it("lets a key query only its own site, and the admin token any site it names", async () => {
    const other = await createSite({ currency: "CNY" });
    // B's key naming A: refused. A's key, site implied: A's figures.
    await expectError(await query(site, { site_id: site.id, metrics: ["visitors"] }, other.read), 403, "forbidden");
    const mine = await ok(site, { metrics: ["visitors"] });
    expect(mine.results[0]!.metrics).toEqual([4]);
    const theirs = await query(other, { metrics: ["visitors"] }, other.read);
    expect(((await theirs.json()) as { results: { metrics: number[] }[] }).results[0]!.metrics).toEqual([0]);
    const admin = await query(site, { site_id: site.id, metrics: ["visitors"] }, env.ADMIN_TOKEN);
    expect(((await admin.json()) as { results: { metrics: number[] }[] }).results[0]!.metrics).toEqual([4]);
    await expectError(
      await query(site, { metrics: ["visitors"] }, env.ADMIN_TOKEN),
      400,
      "validation_failed",
      "site_id",
    );
    await expectError(await query(site, { site_id: "nope", metrics: ["visitors"] }, env.ADMIN_TOKEN), 404, "not_found");
    // The ingest-only key cannot read.
    await expectError(await query(site, { metrics: ["visitors"] }, site.ingest), 403, "forbidden");
  });
});

describe("D1 limits", () => {
  it("compiles the largest query the limits allow inside D1's parameter and statement limits", () => {
    const dims = ["time:day", "event:item", "segment", "event:props:coupon"].map((n) => parseDimension(n)!);
    expect(dims).toHaveLength(QUERY_MAX_DIMENSIONS);
    const longValues = (n: number) =>
      Array.from({ length: QUERY_MAX_FILTER_VALUES }, (_, i) => `${i}-${n}-`.padEnd(QUERY_MAX_VALUE_LENGTH, "x"));
    // Every leaf of a different, expensive kind: multi-valued dimensions tested without their join,
    // properties by their own key, many values, regexes as several GLOBs.
    const kinds = ["segment:rfm", "event:item", "visit:exit_page", "event:page", "visit:source"];
    const children: Filter[] = Array.from({ length: QUERY_MAX_FILTER_LEAVES }, (_, i) => {
      const dimension = i % 6 === 5 ? parseDimension(`event:props:key${i}`)! : parseDimension(kinds[i % 5]!)!;
      const op = (["is", "contains", "matches"] as const)[i % 3]!;
      const values = longValues(i);
      return { op, dimension, values, globs: op === "matches" ? values : [], negate: i % 2 === 0 };
    });
    const tz = "America/New_York";
    const start = Date.parse("2025-01-01T05:00:00Z");
    const end = Date.parse("2026-12-31T05:00:00Z");
    const q: CompiledQuery = {
      siteId: "site-with-a-long-identifier-0123456789",
      currency: "CNY",
      minorFactors: minorFactors("CNY"),
      period: { startMs: start, endMs: end, from: "2025-01-01", to: "2026-12-30", dayAligned: true },
      offsets: offsetPieces(start, end, tz),
      metrics: [...METRICS],
      dimensions: dims,
      filter: { op: "and", children: [{ op: "not", child: { op: "or", children } }] },
      order: [{ kind: "metric", metric: "bounce_rate", direction: "desc" }],
      page: { limit: 1000, offset: 100_000 },
      only: [1, 2, 3].map((index) => ({ index, values: longValues(index).slice(0, QUERY_MAX_LIMIT) })),
    };
    expect(q.offsets.boundaries).toHaveLength(4); // two DST changes a year
    const { sql, params } = compileQuery(q);
    expect(params.length).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMS);
    expect(byteLength(sql)).toBeLessThan(D1_MAX_STATEMENT_BYTES);
    // Numbered parameters in the text match the values bound.
    expect(Math.max(...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])))).toBe(params.length);
  });

  it("runs that largest query shape in D1", async () => {
    const body = await ok(site, {
      metrics: [...METRICS],
      dimensions: ["time:day", "event:item", "segment", "event:props:course"],
      // not (any of 20 leaves that match nothing): every event passes.
      filters: [
        [
          "not",
          [
            "or",
            Array.from({ length: QUERY_MAX_FILTER_LEAVES }, (_, i) => [
              (["is", "contains", "matches"] as const)[i % 3],
              ["segment:rfm", "event:item", "visit:exit_page", "event:page", "visit:source"][i % 5],
              [`nothing-${i}`, `^none${i}$`],
            ]),
          ],
        ],
      ],
      order_by: [["bounce_rate", "desc"]],
      compare: "previous_period",
    });
    const visitors = body.results.reduce((n, r) => n + (r.metrics[0] ?? 0), 0);
    expect(visitors).toBeGreaterThanOrEqual(4);
    expect(body.meta.warnings.map((w) => w.code)).toEqual(["cost_unavailable"]);
  });
});
