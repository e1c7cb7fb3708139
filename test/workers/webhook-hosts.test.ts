// Webhook URLs may not point at internal hosts (private, loopback, link-local, CGNAT, multicast,
// unspecified addresses; localhost-like and .internal names), refused when an endpoint is created
// and again before each delivery; http(s) to localhost and 127.0.0.1 stays open for local development.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverDue } from "../../jobs/learners/webhooks";
import { createDeliveries, deliveriesOf, insertEndpoint } from "../../schema/queries/webhooks";
import { api, createSite, expectError, type TestSite, unique } from "./helpers";

let site: TestSite;
beforeAll(async () => {
  site = await createSite();
});

const post = (url: string) =>
  api("/api/v1/webhook-endpoints", { method: "POST", token: site.admin, json: { url, events: ["learner.at_risk"] } });

describe("webhook endpoint hosts", () => {
  it.each([
    "https://10.0.0.1/h",
    "https://169.254.169.254/latest/meta-data",
    "https://2852039166/h", // 169.254.169.254 in decimal
    "https://0x7f.0.0.2/h",
    "https://100.64.1.1/h",
    "https://192.168.0.10/h",
    "https://[::ffff:10.0.0.1]/h",
    "https://[fd00::1]/h",
    "https://[fe80::1]/h",
    "https://0.0.0.0/h",
    "https://app.localhost/h",
    "https://metadata.google.internal/h",
  ])("refuses %s with the envelope naming url", async (url) => {
    await expectError(await post(url), 400, "validation_failed", "url");
  });

  it.each(["http://localhost:9/h", "https://localhost/h", "http://127.0.0.1:9/h", "https://127.0.0.1/h"])(
    "still accepts %s (local development)",
    async (url) => {
      const res = await post(url);
      expect(res.status, await res.clone().text()).toBe(201);
    },
  );

  it("refuses an internal URL stored earlier at delivery time, without fetching it", async () => {
    const now = Date.now();
    const endpointId = unique("we_");
    await insertEndpoint(
      siteDatabase(env, site.id),
      { siteId: site.id },
      {
        id: endpointId,
        url: "https://169.254.169.254/latest/meta-data",
        events: ["learner.at_risk"],
        sealedSecret: "unused",
        createdAt: now,
      },
    );
    await createDeliveries(
      siteDatabase(env, site.id),
      { siteId: site.id },
      [{ id: unique("wd_"), endpointId, event: "learner.at_risk", subject: "u1", period: "2026-W49", payload: "{}" }],
      now,
    );
    const fetched: string[] = [];
    const counts = await deliverDue(env, { siteId: site.id }, now, async (r) => {
      fetched.push(r.url);
      return new Response(null, { status: 200 });
    });
    expect(counts).toEqual({ delivered: 0, failed: 1 });
    expect(fetched).toEqual([]);
    const [row] = (await deliveriesOf(siteDatabase(env, site.id), { siteId: site.id }, 10)).filter(
      (d) => d.endpointId === endpointId,
    );
    expect(row!.lastError).toContain("169.254.169.254 is a link-local address");
  });
});
