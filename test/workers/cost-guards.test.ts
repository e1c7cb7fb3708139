// Cost guards at their edges (issue 20): every endpoint whose work grows faster than its input has a
// named limit; the limit itself passes and one more is refused with the limit in the answer (400 or
// 413; 429 with Retry-After for heavy work started by hand). The guards added before this file
// (attribution channels and Markov states, money bounds) are pinned in robustness.test.ts.
import { describe, expect, it } from "vitest";
import { addDays } from "../../core/time";
import { ATTRIBUTION_MAX_PATHS } from "../../functions/edge/routes/attribution";
import { LIST_MAX_EXPORT, LIST_MAX_JSON } from "../../functions/edge/lib/listing";
import {
  MANUAL_RUN_LIMITS,
  MAX_ANALYSIS_DAYS,
  MAX_SEGMENT_EXPORT_ROWS,
  QUERY_MAX_RANGE_DAYS,
  REPORT_MAX_DAYS,
} from "../../schema/limits";
import { api, createSite, expectError, type TestSite } from "./helpers";

const LAST = "2026-11-30";
/** `days` local days ending LAST, both inclusive. */
const span = (days: number) => ({ from: addDays(LAST, -(days - 1)), to: LAST });

async function refused(res: Response, status: number, code: string, limit: number) {
  const body = await expectError(res, status, code);
  expect(JSON.stringify(body.error)).toContain(String(limit));
  return body;
}

const post = (site: TestSite, path: string, json: unknown) => api(path, { method: "POST", token: site.read, json });

describe("date ranges", () => {
  it(`/api/v1/query: ${QUERY_MAX_RANGE_DAYS} days pass, one more is too large`, async () => {
    const site = await createSite();
    const query = (days: number) => {
      const { from, to } = span(days);
      return post(site, "/api/v1/query", { metrics: ["visits"], date_range: [from, to] });
    };
    const ok = await query(QUERY_MAX_RANGE_DAYS);
    expect(ok.status, await ok.clone().text()).toBe(200);
    const over = await query(QUERY_MAX_RANGE_DAYS + 1);
    await refused(over, over.status === 413 ? 413 : 400, "query_too_large", QUERY_MAX_RANGE_DAYS);
  });

  it(`funnels, journeys and retention: ${MAX_ANALYSIS_DAYS} days pass, one more is refused`, async () => {
    const site = await createSite();
    const bodies: [string, (range: object) => object][] = [
      [
        "/api/v1/funnels",
        (r) => ({
          steps: [
            { kind: "page", path: "/" },
            { kind: "page", path: "/buy" },
          ],
          date_range: r,
        }),
      ],
      ["/api/v1/journeys", (r) => ({ from: { kind: "page", path: "/" }, steps: 3, date_range: r })],
      ["/api/v1/retention", (r) => ({ period: "month", date_range: r })],
    ];
    for (const [path, body] of bodies) {
      const ok = await post(site, path, body(span(MAX_ANALYSIS_DAYS)));
      expect(ok.status, `${path}: ${await ok.clone().text()}`).toBe(200);
      await refused(
        await post(site, path, body(span(MAX_ANALYSIS_DAYS + 1))),
        400,
        "validation_failed",
        MAX_ANALYSIS_DAYS,
      );
    }
  });

  it(`reports: ${REPORT_MAX_DAYS} days pass, one more is refused`, async () => {
    const site = await createSite();
    for (const path of ["/api/v1/reports/roi", "/api/v1/reports/overview", "/api/v1/seo/revenue"]) {
      const get = (days: number) => {
        const { from, to } = span(days);
        return api(`${path}?from=${from}&to=${to}`, { token: site.read });
      };
      const ok = await get(REPORT_MAX_DAYS);
      expect(ok.status, `${path}: ${await ok.clone().text()}`).toBe(200);
      await refused(await get(REPORT_MAX_DAYS + 1), 400, "validation_failed", REPORT_MAX_DAYS);
    }
  });
});

describe("exports", () => {
  it(`raw listings: ${LIST_MAX_EXPORT} rows a page as CSV or NDJSON, ${LIST_MAX_JSON} as JSON, no more`, async () => {
    const site = await createSite();
    for (const path of ["/api/v1/events", "/api/v1/sessions"]) {
      for (const [format, max] of [
        ["csv", LIST_MAX_EXPORT],
        ["ndjson", LIST_MAX_EXPORT],
        ["json", LIST_MAX_JSON],
      ] as const) {
        const page = (limit: number) => api(`${path}?format=${format}&limit=${limit}`, { token: site.read });
        expect((await page(max)).status, `${path} ${format}`).toBe(200);
        await refused(await page(max + 1), 400, "validation_failed", max);
      }
    }
  });

  it(`segment members: ${MAX_SEGMENT_EXPORT_ROWS} a page, no more`, async () => {
    const site = await createSite();
    expect((await api("/api/v1/segments/compute", { method: "POST", token: site.admin })).status).toBe(200);
    const page = (limit: number) =>
      api(`/api/v1/segments/rfm/champions/learners?format=csv&limit=${limit}`, { token: site.read });
    expect((await page(MAX_SEGMENT_EXPORT_ROWS)).status).toBe(200);
    await refused(await page(MAX_SEGMENT_EXPORT_ROWS + 1), 400, "validation_failed", MAX_SEGMENT_EXPORT_ROWS);
  });
});

describe("attribution paths", () => {
  it(`${ATTRIBUTION_MAX_PATHS} path rows pass, one more is too large`, async () => {
    const site = await createSite();
    const body = (rows: number) =>
      `path;total_conversions;total_conversion_value;total_null\n${"a > b;1;1;0\n".repeat(rows)}`;
    const attribution = (rows: number) =>
      api("/api/v1/attribution?models=last_touch", {
        method: "POST",
        token: site.read,
        headers: { "content-type": "text/csv" },
        body: body(rows),
      });
    const ok = await attribution(ATTRIBUTION_MAX_PATHS);
    expect(ok.status, await ok.clone().text()).toBe(200);
    await refused(await attribution(ATTRIBUTION_MAX_PATHS + 1), 413, "too_many_paths", ATTRIBUTION_MAX_PATHS);
  });
});

describe("heavy work started by hand", () => {
  for (const [kind, path] of [
    ["retrain", "/api/v1/models/retrain"],
    ["segments", "/api/v1/segments/compute"],
  ] as const) {
    const { runs, minutes } = MANUAL_RUN_LIMITS[kind];
    it(`${path}: ${runs} runs a site in ${minutes} minutes, then 429 with Retry-After`, async () => {
      const [site, other] = [await createSite(), await createSite()];
      const run = (s: TestSite) => api(path, { method: "POST", token: s.admin, json: {} });
      for (let i = 0; i < runs; i++) {
        const ok = await run(site);
        expect(ok.status, await ok.clone().text()).toBe(200);
      }
      const over = await run(site);
      await refused(over, 429, "rate_limited", runs);
      const retryAfter = Number(over.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(minutes * 60);
      // The limit is the site's own: another site is not held back.
      expect((await run(other)).status).toBe(200);
    });
  }
});
