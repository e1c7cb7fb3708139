// Payment providers through the API: configuration (credentials sealed, never returned; the URL's
// token stored as a hash), refusals counted per site and provider, and redeliveries and replays
// making one purchase that supersedes the browser's.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash";
import { expectDocumented } from "./documented";
import { api, collect, createSite, eventually, expectError, storedEvents, type TestSite, unique } from "./helpers";
import {
  ALIPAY_APP_ID,
  certificate,
  configure,
  deliver,
  deliveries,
  providers,
  rsaPair,
  type RsaPair,
  STRIPE_SECRET,
  stripeEvent,
  stripeHeader,
  WECHAT_API_V3_KEY,
  WECHAT_MCHID,
} from "./payment-helpers";

let platform: RsaPair;
beforeAll(async () => {
  platform = await rsaPair();
});

const stripeConfig = { provider: "stripe", endpoint_secret: STRIPE_SECRET };

async function stripeDelivery(path: string, payload: string, header?: string) {
  return deliver(path, payload, {
    "content-type": "application/json",
    "stripe-signature": header ?? (await stripeHeader(payload)),
  });
}

const session = (extra: Record<string, unknown> = {}) => ({
  id: unique("cs_"),
  object: "checkout.session",
  mode: "payment",
  payment_status: "paid",
  amount_total: 19900,
  currency: "cny",
  customer: null,
  payment_intent: unique("pi_"),
  invoice: null,
  subscription: null,
  client_reference_id: "learner-1",
  metadata: {},
  ...extra,
});

async function purchasesOf(site: TestSite, orderId: string) {
  return (await storedEvents(site.id)).filter((e) => e.type === "purchase" && e.order_id === orderId);
}

describe("configuring providers", () => {
  it("answers the webhook URL; seals credentials and hashes the token; never returns a credential", async () => {
    const site = await createSite({ currency: "CNY" });
    const stripe = await configure(site, stripeConfig);
    expect(stripe.url).toMatch(/^https:\/\/wayfind\.test\/api\/v1\/webhooks\/stripe\/[A-Za-z0-9]{32}$/);
    await expectDocumented("POST /api/v1/sites/{id}/payment-providers", 201, stripe.body);
    expect(stripe.body).toMatchObject({ credentials_set: ["endpoint_secret"], account: { tolerance_seconds: 300 } });

    const cert = await certificate(platform, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
    const wechat = await configure(site, {
      provider: "wechat",
      mchid: WECHAT_MCHID,
      api_v3_key: WECHAT_API_V3_KEY,
      platform_key: cert,
    });
    expect(wechat.body).toMatchObject({
      account: { mchid: WECHAT_MCHID, serial: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1" },
    });
    await configure(site, { provider: "alipay", app_id: ALIPAY_APP_ID, alipay_public_key: platform.publicBase64 });

    const res = await api(`/api/v1/sites/${site.id}/payment-providers`, { token: site.admin });
    const text = await res.text();
    await expectDocumented("GET /api/v1/sites/{id}/payment-providers", 200, JSON.parse(text));
    for (const secret of [STRIPE_SECRET, WECHAT_API_V3_KEY, platform.publicBase64.slice(0, 40), "BEGIN"]) {
      expect(text).not.toContain(secret);
    }
    expect((await providers(site)).map((p) => p.provider)).toEqual(["alipay", "stripe", "wechat"]);
    const { results } = await env.DB.prepare("SELECT * FROM payment_providers WHERE site_id = ?1").bind(site.id).all();
    const token = stripe.path.split("/").pop()!;
    const row = results.find((r) => r.provider === "stripe")!;
    expect(row.token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(results)).not.toContain(token);
    expect(JSON.stringify(results)).not.toContain(STRIPE_SECRET);
    expect(JSON.stringify(results)).not.toContain(WECHAT_API_V3_KEY);
  });

  it("keeps the URL on reconfiguration, rotates it on request, and stops it on delete", async () => {
    const site = await createSite();
    const first = await configure(site, stripeConfig);
    const again = await configure(site, { ...stripeConfig, tolerance_seconds: 60 }, 200);
    expect(again.url).toBe(first.url);
    expect(again.body).toMatchObject({ account: { tolerance_seconds: 60 } });
    const rotated = await configure(site, { ...stripeConfig, rotate_endpoint: true }, 200);
    expect(rotated.url).not.toBe(first.url);
    const payload = stripeEvent("customer.created", { id: "cus_1" });
    expect((await stripeDelivery(first.path, payload)).status).toBe(404);
    expect((await stripeDelivery(rotated.path, payload)).status).toBe(200);

    const del = () => api(`/api/v1/sites/${site.id}/payment-providers/stripe`, { method: "DELETE", token: site.admin });
    expect((await del()).status).toBe(204);
    await expectError(await del(), 404, "not_found");
    expect((await stripeDelivery(rotated.path, payload)).status).toBe(404);
    expect(await providers(site)).toEqual([]);
  });

  it("refuses keys that do not parse, a public key without its serial, and non-admin keys", async () => {
    const site = await createSite();
    const post = (json: unknown, token = site.admin) =>
      api(`/api/v1/sites/${site.id}/payment-providers`, { method: "POST", token, json });
    const wechat = { provider: "wechat", mchid: WECHAT_MCHID, api_v3_key: WECHAT_API_V3_KEY };
    await expectError(
      await post({ ...wechat, platform_key: platform.publicPem }),
      400,
      "validation_failed",
      "platform_serial",
    );
    await expectError(
      await post({ ...wechat, platform_key: "x".repeat(80) }),
      400,
      "validation_failed",
      "platform_key",
    );
    await expectError(
      await post({ ...wechat, api_v3_key: "short", platform_key: platform.publicPem }),
      400,
      "validation_failed",
    );
    const alipay = { provider: "alipay", app_id: ALIPAY_APP_ID, alipay_public_key: btoa("not a key").repeat(8) };
    await expectError(await post(alipay), 400, "validation_failed", "alipay_public_key");
    await expectError(await post({ provider: "paypal" }), 400, "validation_failed");
    await expectError(await post(stripeConfig, site.read), 403, "forbidden");
    await configure(site, {
      ...wechat,
      platform_key: platform.publicPem,
      platform_serial: "PUB_KEY_ID_0114232134912410000",
    });
  });
});

describe("sealed credentials", () => {
  it("open only in their own row: copied to another site they fail, counted, and the URL reads null", async () => {
    const [a, b] = [await createSite(), await createSite()];
    await configure(a, stripeConfig);
    const { path } = await configure(b, { provider: "stripe", endpoint_secret: "whsec_b_site_secret_value" });
    await env.DB.prepare(
      "UPDATE payment_providers SET sealed = (SELECT sealed FROM payment_providers WHERE site_id = ?1 AND provider = 'stripe') " +
        "WHERE site_id = ?2 AND provider = 'stripe'",
    )
      .bind(a.id, b.id)
      .run();
    const payload = stripeEvent("checkout.session.completed", session());
    const res = await stripeDelivery(path, payload, await stripeHeader(payload, STRIPE_SECRET));
    expect(res.status).toBe(500);
    expect(await deliveries(b, "stripe")).toEqual({ failed: 1 });
    expect(await providers(b)).toEqual([expect.objectContaining({ webhook_url: null, credentials_set: [] })]);
  });
});

describe("refusals", () => {
  it("are answered in the provider's terms and counted per site and provider", async () => {
    const site = await createSite();
    const { path } = await configure(site, stripeConfig);
    const payload = stripeEvent("checkout.session.completed", session());

    await expectError(await stripeDelivery("/api/v1/webhooks/paypal/abc", payload), 404, "not_found", "provider");
    expect((await stripeDelivery("/api/v1/webhooks/stripe/unknown-token", payload)).status).toBe(404);
    // Another provider's path with this token: unknown too.
    expect((await stripeDelivery(path.replace("/stripe/", "/alipay/"), payload)).status).toBe(404);

    const tampered = await stripeDelivery(path, payload.replace("19900", "1"), await stripeHeader(payload));
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: "bad_signature" } });
    const wrongSecret = await stripeDelivery(path, payload, await stripeHeader(payload, "whsec_not_this_one"));
    expect(wrongSecret.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 600;
    expect((await stripeDelivery(path, payload, await stripeHeader(payload, STRIPE_SECRET, old))).status).toBe(400);
    const huge = JSON.stringify({ padding: "x".repeat(70 * 1024) });
    expect((await stripeDelivery(path, huge)).status).toBe(413);
    const notJson = "not json";
    expect((await stripeDelivery(path, notJson)).status).toBe(400);

    expect(await deliveries(site, "stripe")).toEqual({ bad_signature: 2, stale: 1, too_large: 1, invalid: 1 });
    const [view] = await providers(site);
    expect(view).toMatchObject({ last_refusal: { outcome: "invalid" } });
    expect(await storedEvents(site.id)).toEqual([]);
  });
});

describe("redeliveries and replays", () => {
  it("make one purchase, which supersedes the browser's report of the same order", async () => {
    const site = await createSite({ currency: "CNY" });
    const { path } = await configure(site, stripeConfig);
    const orderId = unique("order");
    const browserBuy = {
      id: unique("b"),
      type: "purchase",
      order_id: orderId,
      revenue: 199.9,
      currency: "CNY",
      user_id: "learner-1",
    };
    expect((await collect(site, [browserBuy])).status).toBe(202);
    await eventually(async () => (await purchasesOf(site, orderId)).length === 1);

    const s = session({ metadata: { order_id: orderId } });
    const payload = stripeEvent("checkout.session.completed", s);
    const first = await stripeDelivery(path, payload);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true });
    // Stripe retries with a fresh signature; a replay within the tolerance is the same event.
    const t = Math.floor(Date.now() / 1000) - 30;
    expect((await stripeDelivery(path, payload, await stripeHeader(payload, STRIPE_SECRET, t))).status).toBe(200);
    // Another event naming the same payment (asynchronous success) is the same purchase too.
    const later = stripeEvent("checkout.session.async_payment_succeeded", s);
    expect((await stripeDelivery(path, later)).status).toBe(200);

    const rows = await eventually(async () => {
      const found = await purchasesOf(site, orderId);
      return found.length === 2 && found.some((e) => e.superseded === 1) ? found : undefined;
    });
    const server = rows.find((e) => e.origin === "server")!;
    expect(server).toMatchObject({ revenue_minor: 19900, currency: "CNY", user_id: "learner-1", superseded: 0 });
    expect(rows.find((e) => e.origin === "browser")).toMatchObject({ superseded: 1 });
    expect(JSON.parse(server.props as string)).toEqual({ payment_provider: "stripe", payment_ref: s.payment_intent });
    expect(await deliveries(site, "stripe")).toEqual({ accepted: 1, duplicate: 2 });
  });
});
