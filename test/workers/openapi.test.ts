// The OpenAPI document types every response: a client generated from it must not get `unknown`
// or `Record<string, unknown>` where the API really returns a known shape.
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, unique } from "./helpers";

type Schema = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Doc {
  info: { description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/**
 * Free-form values on purpose, each with its reason. Keys are locations as the walker names them:
 * `Component.prop`, `[]` for array items, `{}` for a map's values, or `METHOD /path status` for inline schemas.
 */
const FREE_FORM: Record<string, string> = {};

/**
 * Operations whose success is not a JSON body, with the reason. A 204 needs no entry: it has no body by
 * definition. (The snippet, CSV-only downloads and redirects are not in the document at all.)
 */
const NOT_JSON: Record<string, string> = {
  "GET /api/v1/auth/sign-in": "a one-time link a person opens: it sets the cookie and redirects (302) to the dashboard",
};

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/** Is this schema an open bag: an object (or anything) with no declared properties and unconstrained values? */
function isOpen(s: Schema): boolean {
  const keys = Object.keys(s).filter((k) => !["description", "example", "examples", "title", "default"].includes(k));
  if (keys.length === 0) return true; // {}: any value at all
  const typed = s.type === "object" || (Array.isArray(s.type) && s.type.includes("object"));
  if (!typed && !("additionalProperties" in s)) return false;
  if (s.properties && Object.keys(s.properties as object).length > 0) return false;
  const ap = s.additionalProperties;
  return ap === undefined || ap === true || isOpen(ap as Schema);
}

/** Walks a schema through $refs, properties, items, map values and combinators; reports open records. */
function walk(doc: Doc, s: unknown, at: string, seen: Set<string>, found: string[]): void {
  if (!s || typeof s !== "object") return;
  const schema = s as Schema;
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/components/schemas/", "");
    if (seen.has(name)) return;
    seen.add(name);
    const target = doc.components?.schemas?.[name];
    expect(target, `${at}: dangling ${schema.$ref}`).toBeDefined();
    walk(doc, target, name, seen, found);
    return;
  }
  if (isOpen(schema)) {
    found.push(at);
    return;
  }
  for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
    walk(doc, v, `${at}.${k}`, seen, found);
  }
  if (schema.items) walk(doc, schema.items, `${at}[]`, seen, found);
  if (schema.prefixItems) (schema.prefixItems as unknown[]).forEach((v, i) => walk(doc, v, `${at}[${i}]`, seen, found));
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    walk(doc, schema.additionalProperties, `${at}{}`, seen, found);
  }
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    (schema[k] as unknown[] | undefined)?.forEach((v) => walk(doc, v, at, seen, found));
  }
}

async function document(): Promise<Doc> {
  const res = await api("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

describe("OpenAPI response schemas", () => {
  it("types every success body: no open records outside the documented free-form fields", async () => {
    const doc = await document();
    const found: string[] = [];
    const seen = new Set<string>();
    let walked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method)) continue;
        for (const [status, res] of Object.entries(op.responses ?? {})) {
          if (!status.startsWith("2")) continue;
          const schema = res.content?.["application/json"]?.schema;
          if (!schema) continue;
          walked++;
          walk(doc, schema, `${method.toUpperCase()} ${path} ${status}`, seen, found);
        }
      }
    }
    expect(walked).toBeGreaterThan(40);
    expect(found.filter((at) => !(at in FREE_FORM))).toEqual([]);
    // Every exception is still needed: a stale entry would hide a future open record at that place.
    expect(Object.keys(FREE_FORM).filter((at) => !found.includes(at))).toEqual([]);
  });

  it("gives every operation a 2xx JSON body schema, except the documented non-JSON ones", async () => {
    const doc = await document();
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method)) continue;
        const successes = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith("2"));
        const ok =
          successes.some(([, res]) => res.content?.["application/json"]?.schema) ||
          (successes.length > 0 && successes.every(([status, res]) => status === "204" && !res.content));
        const name = `${method.toUpperCase()} ${path}`;
        if (!ok && !(name in NOT_JSON)) missing.push(name);
        if (ok && name in NOT_JSON) missing.push(`${name} (listed as not JSON, but has a JSON body)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("says what Wayfind is and how to authenticate", async () => {
    const { info } = await document();
    for (const word of ["attribution", "partner", "commission", "recommend", "propensity", "budget", "Bearer"]) {
      expect(info.description, word).toContain(word);
    }
  });
});

describe("real responses", () => {
  it("match the documented schemas, key for key", async () => {
    const site = await createSite({ currency: "CNY" });
    const get = async (operation: string, path: string, token = site.read) => {
      const res = await api(path, { token });
      expect(res.status, await res.clone().text()).toBe(200);
      await expectDocumented(operation, 200, await res.json());
    };
    const send = async (operation: string, path: string, method: string, json: unknown, status = 200) => {
      const res = await api(path, { method, token: site.admin, json });
      expect(res.status, await res.clone().text()).toBe(status);
      const body = (await res.json()) as { id: string };
      await expectDocumented(operation, status, body);
      return body;
    };

    // A server purchase with items and custom properties: the richest stored event.
    const events = [
      {
        id: unique("e"),
        type: "purchase",
        user_id: "learner-1",
        order_id: unique("o"),
        revenue: 199,
        currency: "CNY",
        items: [{ id: "c1", name: "Course 1", price: 199, quantity: 1 }],
        props: { coupon: "SPRING", first: true, seats: 1, note: null },
        url: `${site.origin}/checkout?utm_source=wechat&utm_medium=social`,
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36",
      },
    ];
    expect((await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } })).status).toBe(202);
    await eventsLanded(site.id, 1);
    await get("GET /api/v1/events", "/api/v1/events");
    await get("GET /api/v1/sessions", "/api/v1/sessions");

    await send("PUT /api/v1/items/{id}", "/api/v1/items/c1", "PUT", { title: "Course 1", price: 199, currency: "CNY" });
    await get("GET /api/v1/items/{id}", "/api/v1/items/c1");
    await get("GET /api/v1/items", "/api/v1/items");

    await get("GET /api/v1/partner-program", "/api/v1/partner-program");
    const rule = await send(
      "POST /api/v1/commission-rules",
      "/api/v1/commission-rules",
      "POST",
      {
        percent: 10,
        tiers: [{ from: 1000, percent: 15 }],
      },
      201,
    );
    await get("GET /api/v1/commission-rules", "/api/v1/commission-rules");
    await send("PATCH /api/v1/commission-rules/{id}", `/api/v1/commission-rules/${rule.id}`, "PATCH", {
      active: false,
    });

    const to = `${unique("r")}@example.com`;
    const sub = await send(
      "POST /api/v1/report-subscriptions",
      "/api/v1/report-subscriptions",
      "POST",
      {
        recipients: [to],
        frequency: "daily",
      },
      201,
    );
    await get("GET /api/v1/report-subscriptions", "/api/v1/report-subscriptions");
    await send("PATCH /api/v1/report-subscriptions/{id}", `/api/v1/report-subscriptions/${sub.id}`, "PATCH", {
      frequency: "weekly",
      weekday: 1,
    });
    const alert = await send(
      "POST /api/v1/alert-rules",
      "/api/v1/alert-rules",
      "POST",
      {
        kind: "roi_below",
        channel: "Paid Search",
        threshold: 1.5,
        recipients: [to],
      },
      201,
    );
    await get("GET /api/v1/alert-rules", "/api/v1/alert-rules");
    await get("GET /api/v1/alert-rules/{id}", `/api/v1/alert-rules/${alert.id}`);

    await get("GET /api/v1/reports/overview", "/api/v1/reports/overview");
    await get("GET /api/v1/models/health", "/api/v1/models/health");
    await get("GET /api/v1/models", "/api/v1/models");
    const rank = await api("/api/v1/rank", {
      method: "POST",
      token: site.read,
      json: { user_id: "learner-1", items: ["c1"] },
    });
    expect(rank.status, await rank.clone().text()).toBe(200);
    await expectDocumented("POST /api/v1/rank", 200, await rank.json()); // no model yet: by popularity
  });
});
