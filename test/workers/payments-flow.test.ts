// End to end, per provider: a referred learner pays, the signed notification becomes a purchase in
// D1 and a commission for the partner; once the commission is approved, the provider's refund
// notification claws it back, as a server refund from /api/v1/events would.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { approveDue } from "../../schema/queries/commissions";
import { createSite, storedEvents, type TestSite, unique } from "./helpers";
import {
  commissionRows,
  DAY,
  partner,
  referredVisit,
  rule,
  sendEvents,
  settled,
  type TestPartner,
} from "./partner-helpers";
import {
  ALIPAY_APP_ID,
  alipayParams,
  alipaySign,
  beijing,
  configure,
  deliver,
  deliveries,
  formBody,
  rsaPair,
  type RsaPair,
  STRIPE_SECRET,
  stripeEvent,
  stripeHeader,
  WECHAT_API_V3_KEY,
  WECHAT_MCHID,
  WECHAT_SERIAL,
  wechatHeaders,
  wechatNotification,
} from "./payment-helpers";

let platform: RsaPair;
beforeAll(async () => {
  platform = await rsaPair();
});

/** Past the 30-day holding period, so the commission can be approved before the refund. */
const PAID_AT = () => Date.now() - 40 * DAY;

async function referredSite(ruleBody: Record<string, unknown> = { percent: 10 }) {
  const site = await createSite({ currency: "CNY" });
  const aff = await partner(site, { name: "Affiliate" });
  await rule(site, ruleBody);
  return { site, aff };
}

async function visit(site: TestSite, aff: TestPartner, visitor: string, ts: number, extra = {}) {
  await sendEvents(site, [{ ...referredVisit(site, visitor, aff.code, ts - 60_000), ...extra }]);
}

const amounts = (rows: { kind: string; amount_minor: number; status: string }[]) =>
  rows.map((r) => [r.kind, r.amount_minor, r.status]);

async function purchases(site: TestSite, orderId: string) {
  return (await storedEvents(site.id)).filter((e) => e.type === "purchase" && e.order_id === orderId);
}

describe("Stripe", () => {
  it("a subscription: first payment and renewal earn recurring commissions; a refunded renewal is clawed back", async () => {
    const { site, aff } = await referredSite({ percent: 10, recurring_months: 12 });
    const { path } = await configure(site, { provider: "stripe", endpoint_secret: STRIPE_SECRET });
    const post = async (type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000)) => {
      const payload = stripeEvent(type, object, created);
      const res = await deliver(path, payload, { "stripe-signature": await stripeHeader(payload) });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    const paidAt = PAID_AT();
    await visit(site, aff, "learner-s", paidAt);
    const [customer, subscription, firstInvoice, order] = [
      unique("cus_"),
      unique("sub_"),
      unique("in_"),
      unique("order"),
    ];

    // Checkout: the site passed its order id and the snippet's visitor id in metadata.
    await post(
      "checkout.session.completed",
      {
        id: unique("cs_"),
        mode: "subscription",
        payment_status: "paid",
        amount_total: 9900,
        currency: "cny",
        customer,
        subscription,
        invoice: firstInvoice,
        payment_intent: null,
        metadata: { order_id: order, visitor_id: "learner-s" },
      },
      Math.floor(paidAt / 1000),
    );
    const first = await settled(site.id, order);
    expect(amounts(first)).toEqual([["referral", 990, "pending"]]);
    // invoice.paid for the same first invoice: the same purchase, not a second one.
    const sameInvoice = {
      amount_paid: 9900,
      currency: "cny",
      customer,
      subscription,
      billing_reason: "subscription_create",
    };
    await post("invoice.paid", { id: firstInvoice, payment_intent: unique("pi_"), ...sameInvoice });

    // A renewal names no learner: the subscription does.
    const renewal = unique("in_");
    const intent = unique("pi_");
    const renewedAt = Math.floor((paidAt + 2 * DAY) / 1000);
    await post("invoice.paid", {
      id: renewal,
      amount_paid: 9900,
      currency: "cny",
      customer,
      subscription,
      payment_intent: intent,
      billing_reason: "subscription_cycle",
      status_transitions: { paid_at: renewedAt },
    });
    expect(amounts(await settled(site.id, renewal))).toEqual([["referral", 990, "pending"]]);
    await approveDue(siteDatabase(env, site.id), Date.now());

    // The renewal's charge is refunded in full.
    await post("charge.refunded", {
      id: unique("ch_"),
      amount: 9900,
      amount_refunded: 9900,
      currency: "cny",
      customer,
      payment_intent: intent,
      refunded: true,
      metadata: {},
    });
    const clawed = await settled(site.id, renewal, 2);
    expect(amounts(clawed)).toEqual([
      ["referral", 990, "approved"],
      ["clawback", -990, "approved"],
    ]);
    expect(amounts(await commissionRows(site.id, order))).toEqual([["referral", 990, "approved"]]);
    expect(await purchases(site, order)).toHaveLength(1);
    const [renewed] = await purchases(site, renewal);
    expect(renewed).toMatchObject({ ts: renewedAt * 1000, revenue_minor: 9900, origin: "server" });
    expect(await deliveries(site, "stripe")).toEqual({ accepted: 3, duplicate: 1 });
  });
});

describe("WeChat Pay", () => {
  it("TRANSACTION.SUCCESS → purchase and commission; REFUND.SUCCESS → clawback after approval", async () => {
    const { site, aff } = await referredSite();
    const { path } = await configure(site, {
      provider: "wechat",
      mchid: WECHAT_MCHID,
      api_v3_key: WECHAT_API_V3_KEY,
      platform_key: platform.publicPem,
      platform_serial: WECHAT_SERIAL,
    });
    const post = async (type: string, resource: Record<string, unknown>, id?: string) => {
      const body = await wechatNotification(type, resource, { id });
      const res = await deliver(path, body, await wechatHeaders(body, platform.keys.privateKey));
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toEqual({ code: "SUCCESS", message: "成功" });
    };
    const paidAt = PAID_AT();
    await visit(site, aff, "learner-w", paidAt);
    const order = unique("wx");
    const notificationId = unique("EV-");
    const transaction = {
      mchid: WECHAT_MCHID,
      appid: "wxd678efh567hg6787",
      out_trade_no: order,
      transaction_id: unique("4200"),
      trade_type: "JSAPI",
      trade_state: "SUCCESS",
      attach: "v=learner-w&r=rec_42&i=py-101",
      success_time: new Date(paidAt + 8 * 3_600_000).toISOString().slice(0, 19) + "+08:00",
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
      amount: { total: 29900, payer_total: 29900, currency: "CNY", payer_currency: "CNY" },
    };
    await post("TRANSACTION.SUCCESS", transaction, notificationId);
    await post("TRANSACTION.SUCCESS", transaction, notificationId); // WeChat retries with the same id
    expect(amounts(await settled(site.id, order))).toEqual([["referral", 2990, "pending"]]);
    const [bought] = await purchases(site, order);
    expect(bought).toMatchObject({
      revenue_minor: 29900,
      currency: "CNY",
      rec_id: "rec_42",
      ts: Math.floor(paidAt / 1000) * 1000,
    });
    expect(JSON.parse(bought!.items as string)).toEqual([{ id: "py-101" }]);
    await approveDue(siteDatabase(env, site.id), Date.now());

    await post("REFUND.SUCCESS", {
      mchid: WECHAT_MCHID,
      out_trade_no: order,
      transaction_id: transaction.transaction_id,
      out_refund_no: unique("rf"),
      refund_id: unique("5000"),
      refund_status: "SUCCESS",
      success_time: new Date().toISOString(),
      amount: { total: 29900, refund: 10000, payer_total: 29900, payer_refund: 10000 },
    });
    // 100.00 of 299.00 refunded: a third of the approved 29.90 comes back.
    expect(amounts(await settled(site.id, order, 2))).toEqual([
      ["referral", 2990, "approved"],
      ["clawback", -1000, "approved"],
    ]);
    // The refund belongs to the buyer, as the purchase did.
    const refund = (await storedEvents(site.id)).find((e) => e.type === "refund")!;
    expect(refund).toMatchObject({ visitor_id: bought!.visitor_id, revenue_minor: 10000, order_id: order });
    expect(await purchases(site, order)).toHaveLength(1);
    expect(await deliveries(site, "wechat")).toEqual({ accepted: 2, duplicate: 1 });
  });
});

describe("Alipay", () => {
  it("TRADE_SUCCESS → purchase and commission; refund totals → clawbacks after approval, replays change nothing", async () => {
    const { site, aff } = await referredSite();
    const { path } = await configure(site, {
      provider: "alipay",
      app_id: ALIPAY_APP_ID,
      alipay_public_key: platform.publicBase64,
    });
    const post = async (fields: Record<string, string>) => {
      const signed = await alipaySign(alipayParams(fields), platform.keys.privateKey);
      const res = await deliver(path, formBody(signed), {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("success");
    };
    const paidAt = PAID_AT();
    // The learner signed in on the referred visit: the payment names only the user.
    await visit(site, aff, "visitor-a", paidAt, { user_id: "user-a" });
    const order = unique("ali");
    const trade = {
      out_trade_no: order,
      trade_no: unique("2026"),
      total_amount: "500.00",
      gmt_payment: beijing(paidAt),
      passback_params: encodeURIComponent("u=user-a&r=rec_7"),
    };
    await post({ ...trade, trade_status: "TRADE_SUCCESS" });
    expect(amounts(await settled(site.id, order))).toEqual([["referral", 5000, "pending"]]);
    await approveDue(siteDatabase(env, site.id), Date.now());

    const refund = (fee: string, outBizNo: string) => ({
      ...trade,
      trade_status: "TRADE_SUCCESS",
      refund_fee: fee,
      gmt_refund: beijing(Date.now()),
      out_biz_no: outBizNo,
    });
    await post(refund("100.00", "rf-1"));
    expect(amounts(await settled(site.id, order, 2))).toEqual([
      ["referral", 5000, "approved"],
      ["clawback", -1000, "approved"],
    ]);
    // refund_fee is the trade's refunded total: 300.00 means 200.00 more. A late copy of the first
    // refund (new notify_id, same total) and the trade finishing add nothing.
    await post(refund("300.00", "rf-2"));
    await post(refund("100.00", "rf-1"));
    await post({ ...trade, trade_status: "TRADE_FINISHED", refund_fee: "300.00", gmt_refund: beijing(Date.now()) });
    const rows = await settled(site.id, order, 3);
    expect(amounts(rows)).toEqual([
      ["referral", 5000, "approved"],
      ["clawback", -1000, "approved"],
      ["clawback", -2000, "approved"],
    ]);
    const events = await storedEvents(site.id);
    const refunds = events.filter((e) => e.type === "refund").map((e) => e.revenue_minor as number);
    expect(refunds.sort((a, b) => a - b)).toEqual([10000, 20000]);
    expect(await purchases(site, order)).toHaveLength(1);
    expect((await purchases(site, order))[0]).toMatchObject({ user_id: "user-a", rec_id: "rec_7" });
    expect(await deliveries(site, "alipay")).toEqual({ accepted: 3, duplicate: 2 });
  });
});
