// Property-based fuzzing (fast-check, fixed seed): adversarial bodies on the public capture routes,
// the stateless analyses and every body-taking route of the OpenAPI document (so new routes are
// covered) never get a 5xx or an error outside the envelope, and a valid event sent beside them
// still lands exactly once.
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, BASE, BROWSER_UA, collect, createSite, eventually, pageview, storedEvents, uniqueIp } from "./helpers";

const SEED = 20_2026;

/** Values that break naive parsers: wrong types, non-finite numbers as text, huge numbers, unicode. */
const nasty = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "NaN",
      "Infinity",
      "-Infinity",
      "1e309",
      1e308,
      -1e308,
      1.8e306,
      Number.MAX_SAFE_INTEGER + 2,
      -0,
      "",
      "\u0000",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 中文",
      "\ud800",
      "(a+)+$",
      "javascript:alert(1)",
      "//evil.example",
      "a".repeat(20_000),
      null,
      true,
      [],
      {},
    ),
  },
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer(),
);
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
/** A body as sent: JSON of random or field-shaped values, broken JSON, or deep nesting. */
const body = (fields: readonly string[]) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.dictionary(fc.constantFrom(...fields, "x"), nasty, { maxKeys: 6 }).map((v) => JSON.stringify(v)),
    fc
      .array(fc.dictionary(fc.constantFrom(...fields), nasty, { maxKeys: 6 }), { maxLength: 3 })
      .map((rows) => JSON.stringify({ events: rows, rows, paths: rows, items: rows })),
    fc.constantFrom(deep(5000), '{"a":', "not json", "{}", "[]", "null", '"x"'),
  );

/** A valid row with some fields replaced by nasty values: reaches the code past validation. */
const mutated = (template: Record<string, unknown>) =>
  fc
    .dictionary(fc.constantFrom(...Object.keys(template)), nasty, { minKeys: 1, maxKeys: 2 })
    .map((over) => ({ ...template, ...over }));

async function expectEnvelope(res: Response, what: string) {
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400 && res.status !== 404 && res.status !== 405) {
    const json = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof json.error?.code, what).toBe("string");
    expect(typeof json.error?.message, what).toBe("string");
  } else await res.body?.cancel();
}

const EVENT_FIELDS = [
  "id",
  "type",
  "url",
  "ts",
  "revenue",
  "currency",
  "items",
  "user_id",
  "name",
  "props",
  "order_id",
];

describe("fuzz", () => {
  it("public capture and the stateless analyses stay in the envelope; a valid event lands once", async () => {
    const site = await createSite();
    const targets: [string, (b: string) => Promise<Response>][] = [
      [
        "/api/collect",
        (b) =>
          SELF.fetch(`${BASE}/api/collect`, {
            method: "POST",
            headers: {
              "content-type": "text/plain",
              "user-agent": BROWSER_UA,
              origin: site.origin,
              "cf-connecting-ip": uniqueIp(),
            },
            body: b.startsWith("{") ? b.replace(/^\{/, `{"site":"${site.publicKey}",`) : b,
          }),
      ],
      [
        "/api/v1/events",
        (b) =>
          api("/api/v1/events", {
            method: "POST",
            token: site.ingest,
            headers: { "content-type": "application/json" },
            body: b,
          }),
      ],
      [
        "/api/v1/classify",
        (b) =>
          api("/api/v1/classify", {
            method: "POST",
            token: site.read,
            headers: { "content-type": "application/json" },
            body: b,
          }),
      ],
      [
        "/api/v1/attribution",
        (b) =>
          api("/api/v1/attribution", {
            method: "POST",
            token: site.read,
            headers: { "content-type": "application/json" },
            body: b,
          }),
      ],
      [
        "/api/v1/costs",
        (b) =>
          api("/api/v1/costs", {
            method: "POST",
            token: site.admin,
            headers: { "content-type": "application/json" },
            body: b,
          }),
      ],
    ];
    const fields = [
      ...EVENT_FIELDS,
      "path",
      "total_conversions",
      "total_conversion_value",
      "date",
      "source",
      "medium",
      "campaign",
      "cost",
      "referrer",
      "user_agent",
    ];
    const shaped: [string, fc.Arbitrary<string>][] = [
      [
        "/api/v1/costs",
        fc
          .array(mutated({ date: "2026-11-01", source: "baidu", medium: "cpc", campaign: "c", cost: 1, clicks: 1 }), {
            minLength: 1,
            maxLength: 3,
          })
          .map((rows) => JSON.stringify({ rows })),
      ],
      [
        "/api/v1/events",
        fc
          .array(
            mutated({
              id: "f1",
              type: "purchase",
              user_id: "u",
              revenue: 1,
              currency: "CNY",
              order_id: "o",
              ts: Date.now(),
            }),
            { minLength: 1, maxLength: 3 },
          )
          .map((events) => JSON.stringify({ events })),
      ],
      [
        "/api/v1/attribution",
        fc
          .array(mutated({ path: "a > b", total_conversions: 1, total_conversion_value: 1, total_null: 1 }), {
            minLength: 1,
            maxLength: 3,
          })
          .map((paths) => JSON.stringify({ paths })),
      ],
    ];
    for (const [name, arbitrary] of shaped) {
      const send = targets.find(([n]) => n === name)![1];
      await fc.assert(
        fc.asyncProperty(arbitrary, async (b) => expectEnvelope(await send(b), `${name} ${b.slice(0, 200)}`)),
        { seed: SEED, numRuns: 50 },
      );
    }
    for (const [name, send] of targets) {
      await fc.assert(
        fc.asyncProperty(body(fields), async (b) => expectEnvelope(await send(b), `${name} ${b.slice(0, 200)}`)),
        { seed: SEED, numRuns: 50 },
      );
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (code) => {
        const res = await SELF.fetch(`${BASE}/r/${encodeURIComponent(code)}`, { redirect: "manual" });
        expect(res.status).toBeLessThan(500);
        const location = res.headers.get("location");
        if (location) expect(new URL(location, BASE).protocol).toMatch(/^https?:$/);
        await res.body?.cancel();
      }),
      { seed: SEED, numRuns: 50 },
    );
    const valid = pageview(`${site.origin}/fuzz`);
    expect((await collect(site, [valid])).status).toBe(202);
    expect((await collect(site, [valid])).status).toBe(202); // a retry: still stored once
    const rows = await eventually(async () => {
      const found = (await storedEvents(site.id)).filter((r) => r.id === valid.id);
      return found.length > 0 ? found : undefined;
    });
    expect(rows.length).toBe(1);
  });

  it("every body-taking route of the OpenAPI document stays in the envelope", async () => {
    const site = await createSite();
    const doc = (await (await api("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method, op]) => ["post", "put", "patch"].includes(method) && op.requestBody)
        .map(([method]) => [method.toUpperCase(), path.replace(/\{[^}]+\}/g, "fuzz")] as const),
    );
    expect(routes.length).toBeGreaterThan(20);
    for (const [method, path] of routes) {
      const sep = path.includes("?") ? "&" : "?";
      await fc.assert(
        fc.asyncProperty(
          body(["name", "id", "title", "price", "amount", "scopes", "email", "rules", "steps"]),
          async (b) =>
            expectEnvelope(
              await api(`${path}${sep}site_id=${site.id}`, {
                method,
                token: site.admin,
                headers: { "content-type": "application/json" },
                body: b,
              }),
              `${method} ${path} ${b.slice(0, 200)}`,
            ),
        ),
        { seed: SEED, numRuns: 8 },
      );
    }
  });
});
