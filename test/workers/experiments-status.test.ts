// The add-on learns each experiment's status: /t/experiments.js?site=KEY appends the site's statuses
// (running: 1; a draft: its control; stopped: its winner, else control), a stop shows at once in this
// data centre, and /assign serves the same. Drafts can be edited; running ones cannot.
import { describe, expect, it } from "vitest";
import { EXPERIMENTS_SOURCE } from "../../functions/snippet/bundle.generated";
import { expectDocumented } from "./documented";
import { api, createSite, expectError, type TestSite } from "./helpers";

const create = (site: TestSite, key: string, extra: Record<string, unknown> = {}) =>
  api("/api/v1/experiments", {
    method: "POST",
    token: site.admin,
    json: { key, name: key, variants: ["a", "b"], ...extra },
  });
const post = (site: TestSite, path: string, json: unknown = {}) =>
  api(`/api/v1/experiments/${path}`, { method: "POST", token: site.admin, json });

async function statuses(site: TestSite) {
  const res = await api(`/t/experiments.js?site=${site.publicKey}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("javascript");
  expect(res.headers.get("cache-control")).toBe("public, max-age=30");
  const text = await res.text();
  expect(text.startsWith(EXPERIMENTS_SOURCE)).toBe(true);
  const call = text.slice(EXPERIMENTS_SOURCE.length);
  expect(call).toMatch(/^;wayfind\("experiments",\{.*\}\)$/);
  return JSON.parse(call.slice(';wayfind("experiments",'.length, -1)) as Record<string, string | 1>;
}

describe("the add-on's statuses", () => {
  it("serves control for a draft, hashes while running, the winner (else control) once stopped", async () => {
    const site = await createSite();
    for (const key of ["draft", "running", "won", "undecided"]) expect((await create(site, key)).status).toBe(201);
    expect((await create(site, "ads", { kind: "creative", creative_field: "utm_campaign" })).status).toBe(201);
    for (const key of ["running", "won", "undecided"]) expect((await post(site, `${key}/start`)).status).toBe(200);
    expect((await post(site, "won/stop", { winner: "b" })).status).toBe(200);
    expect((await post(site, "undecided/stop", { decision: "No difference" })).status).toBe(200);
    // Creative tests have no on-page assignment: not listed.
    expect(await statuses(site)).toEqual({ draft: "a", running: 1, won: "b", undecided: "a" });

    // Stopping shows at once (this data centre's cached copy is dropped), and /assign agrees.
    expect((await post(site, "running/stop", { winner: "b" })).status).toBe(200);
    expect((await statuses(site)).running).toBe("b");
    const assign = await api("/api/v1/experiments/running/assign", {
      method: "POST",
      token: site.read,
      json: { visitor_id: "v1" },
    });
    expect(await assign.json()).toMatchObject({ variant: "b", status: "stopped" });

    // A draft created after the script was cached is listed at once (not run as the page says).
    expect((await create(site, "late")).status).toBe(201);
    expect((await statuses(site)).late).toBe("a");

    // An unknown site key gets the add-on with no statuses: experiments run as the page says.
    expect(await statuses({ ...site, publicKey: "nope" })).toEqual({});
    const plain = await api("/t/experiments.js");
    expect(await plain.text()).toBe(EXPERIMENTS_SOURCE);
  });
});

describe("editing a draft", () => {
  it("changes a draft's arms, metrics and CUPED window, and refuses a running experiment or bad weights", async () => {
    const site = await createSite();
    expect((await create(site, "edit-me")).status).toBe(201);
    const patch = (json: unknown) => api("/api/v1/experiments/edit-me", { method: "PATCH", token: site.admin, json });
    const res = await patch({
      name: "Edited",
      variants: ["control", "short", "long"],
      weights: [0.5, 0.25, 0.25],
      primary_metric: "revenue",
      guardrails: ["refund_rate"],
      cuped_days: 7,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    await expectDocumented("PATCH /api/v1/experiments/{key}", 200, body);
    expect(body).toMatchObject({
      name: "Edited",
      status: "draft",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "short", weight: 0.25 },
        { key: "long", weight: 0.25 },
      ],
      primary_metric: "revenue",
      guardrails: ["refund_rate"],
      cuped_days: 7,
    });
    expect(await statuses(site)).toEqual({ "edit-me": "control" });
    await expectError(await patch({ weights: [0.5, 0.6, 0.2] }), 400, "validation_failed", "weights");
    await expectError(await patch({ primary_metric: "happiness" }), 400, "validation_failed", "primary_metric");
    const viewer = await api("/api/v1/experiments/edit-me", { method: "PATCH", token: site.read, json: { name: "x" } });
    expect(viewer.status).toBe(403);
    expect((await post(site, "edit-me/start")).status).toBe(200);
    await expectError(await patch({ name: "Too late" }), 409, "conflict");
  });
});
