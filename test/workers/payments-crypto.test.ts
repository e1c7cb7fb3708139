// The providers' verification schemes with real keys, in workerd: what verifies, and every way a
// notification is refused (tampered body, wrong key, stale timestamp, wrong serial or app).
import { beforeAll, describe, expect, it } from "vitest";
import { alipayNotification, parseAlipayForm, verifyAlipaySignature } from "../../models/payments/alipay";
import { certificateKey, importRsaPublicKey, parsePublicKey } from "../../models/payments/keys";
import { learnerFromRecord, learnerFromText } from "../../models/payments/learner";
import { readNotification } from "../../models/payments/read";
import { stripeNotification, verifyStripeSignature } from "../../models/payments/stripe";
import { type WechatCredentials, WebhookRefusal } from "../../models/payments/types";
import { decryptWechatResource, wechatNotification } from "../../models/payments/wechat";
import {
  ALIPAY_APP_ID,
  alipayParams,
  alipaySign,
  certificate,
  formBody,
  rsaPair,
  rsaSign,
  type RsaPair,
  STRIPE_SECRET,
  stripeEvent,
  stripeHeader,
  WECHAT_API_V3_KEY,
  WECHAT_MCHID,
  WECHAT_SERIAL,
  wechatHeaders,
  wechatNotification as signedWechat,
  wechatResource,
} from "./payment-helpers";

const bytes = (s: string) => new TextEncoder().encode(s);
const now = () => Date.now();

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WebhookRefusal);
  return (err as WebhookRefusal).outcome;
}

let platform: RsaPair;
let other: RsaPair;
beforeAll(async () => {
  [platform, other] = await Promise.all([rsaPair(), rsaPair()]);
});

describe("Stripe-Signature", () => {
  const payload = stripeEvent("checkout.session.completed", { id: "cs_1" });
  const verify = (header: string | null, body = payload, tolerance = 300) =>
    verifyStripeSignature(header, bytes(body), STRIPE_SECRET, now(), tolerance);

  it("verifies HMAC-SHA256 of `t.payload`, also among several v1 values (a rolling secret)", async () => {
    await expect(verify(await stripeHeader(payload))).resolves.toBeUndefined();
    const old = (await stripeHeader(payload, "whsec_old_secret_value")).split(",")[1];
    await expect(verify(`${await stripeHeader(payload)},${old},v0=abc`)).resolves.toBeUndefined();
  });

  it("refuses a tampered body, another secret, a missing v1 and a stale or future timestamp", async () => {
    const header = await stripeHeader(payload);
    expect(await refusal(verify(header, payload.replace("cs_1", "cs_2")))).toBe("bad_signature");
    expect(await refusal(verify(await stripeHeader(payload, "whsec_someone_else")))).toBe("bad_signature");
    expect(await refusal(verify(header.split(",")[0]!))).toBe("bad_signature");
    expect(await refusal(verify(null))).toBe("bad_signature");
    const t = Math.floor(now() / 1000);
    expect(await refusal(verify(await stripeHeader(payload, STRIPE_SECRET, t - 301)))).toBe("stale");
    expect(await refusal(verify(await stripeHeader(payload, STRIPE_SECRET, t + 400)))).toBe("stale");
    await expect(verify(await stripeHeader(payload, STRIPE_SECRET, t - 250))).resolves.toBeUndefined();
    // A site that set a shorter tolerance refuses sooner.
    expect(await refusal(verify(await stripeHeader(payload, STRIPE_SECRET, t - 250), payload, 60))).toBe("stale");
  });

  it("reads checkout sessions, invoices and refunded charges; ignores other events", () => {
    const session = stripeNotification(
      bytes(
        stripeEvent("checkout.session.completed", {
          id: "cs_1",
          mode: "payment",
          payment_status: "paid",
          amount_total: 19900,
          currency: "cny",
          client_reference_id: "learner-7",
          customer: null,
          payment_intent: "pi_1",
          metadata: { order_id: "9001", rec_id: "rec_1", items: "py-101,go-201" },
        }),
      ),
    );
    expect(session.facts).toEqual([
      expect.objectContaining({
        kind: "purchase",
        paymentRef: "pi_1",
        orderId: "9001",
        amountMinor: 19900,
        currency: "CNY",
        learner: { userId: "learner-7", recId: "rec_1", items: ["py-101", "go-201"] },
        orderRefs: ["cs_1", "pi_1"],
      }),
    ]);
    const unpaid = stripeNotification(
      bytes(stripeEvent("checkout.session.completed", { id: "cs_2", mode: "payment", payment_status: "unpaid" })),
    );
    expect(unpaid.facts).toEqual([]);
    const charge = stripeNotification(
      bytes(
        stripeEvent("charge.refunded", { id: "ch_1", amount_refunded: 500, currency: "usd", payment_intent: "pi_1" }),
      ),
    );
    expect(charge.facts[0]).toMatchObject({
      kind: "refund",
      paymentRefs: ["pi_1", "ch_1"],
      amount: { cumulative: true, minor: 500, counterRef: "ch_1" },
    });
    expect(stripeNotification(bytes(stripeEvent("customer.created", { id: "cus_1" }))).ignoredBecause).toMatch(
      /customer.created/,
    );
  });
});

describe("WeChat Pay", () => {
  const creds = (): WechatCredentials => ({
    provider: "wechat",
    mchid: WECHAT_MCHID,
    apiV3Key: WECHAT_API_V3_KEY,
    platformKey: platform.publicPem,
    serial: WECHAT_SERIAL,
    toleranceSeconds: 300,
  });
  const transaction = (extra: Record<string, unknown> = {}) => ({
    mchid: WECHAT_MCHID,
    appid: "wxd678efh567hg6787",
    out_trade_no: "1217752501201407033233368018",
    transaction_id: "1217752501201407033233368018",
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    attach: "u=learner-7&r=rec_1&i=py-101",
    success_time: "2026-11-30T10:34:56+08:00",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: 19900, payer_total: 19900, currency: "CNY", payer_currency: "CNY" },
    ...extra,
  });
  const read = async (body: string, headers: Record<string, string>, c = creds()) =>
    readNotification(c, { headers: new Headers(headers), body: bytes(body) }, now());

  it("verifies the platform signature and decrypts the resource", async () => {
    const body = await signedWechat("TRANSACTION.SUCCESS", transaction());
    const n = await read(body, await wechatHeaders(body, platform.keys.privateKey));
    expect(n.facts).toEqual([
      expect.objectContaining({
        kind: "purchase",
        paymentRef: "1217752501201407033233368018",
        amountMinor: 19900,
        currency: "CNY",
        ts: Date.parse("2026-11-30T10:34:56+08:00"),
        learner: { userId: "learner-7", recId: "rec_1", items: ["py-101"] },
        payer: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
      }),
    ]);
  });

  it("verifies with the platform certificate's key; reads its serial (leading zero byte dropped)", async () => {
    const pem = await certificate(platform, "9A57F09EFDC096DE15EBE81A47057A7232F1B8E1");
    expect(parsePublicKey(pem).serial).toBe("9A57F09EFDC096DE15EBE81A47057A7232F1B8E1");
    const body = await signedWechat("TRANSACTION.SUCCESS", transaction());
    const headers = await wechatHeaders(body, platform.keys.privateKey, {
      serial: "9A57F09EFDC096DE15EBE81A47057A7232F1B8E1",
    });
    const n = await read(body, headers, {
      ...creds(),
      platformKey: pem,
      serial: "9A57F09EFDC096DE15EBE81A47057A7232F1B8E1",
    });
    expect(n.facts).toHaveLength(1);
    await expect(importRsaPublicKey(pem)).resolves.toBeDefined();
    expect(() => certificateKey(bytes("not a certificate"))).toThrow();
  });

  it("refuses tampered bodies, other keys, other serials, stale timestamps and WeChat's signature probes", async () => {
    const body = await signedWechat("TRANSACTION.SUCCESS", transaction());
    const headers = await wechatHeaders(body, platform.keys.privateKey);
    expect(await refusal(read(body.replace('"id":"', '"id":"X'), headers))).toBe("bad_signature");
    expect(await refusal(read(body, await wechatHeaders(body, other.keys.privateKey)))).toBe("bad_signature");
    expect(await refusal(read(body, { ...headers, "wechatpay-serial": "OTHER" }))).toBe("wrong_account");
    const probe = { ...headers, "wechatpay-signature": `WECHATPAY/SIGNTEST/${headers["wechatpay-signature"]}` };
    expect(await refusal(read(body, probe))).toBe("bad_signature");
    const stale = await wechatHeaders(body, platform.keys.privateKey, { timestamp: Math.floor(now() / 1000) - 301 });
    expect(await refusal(read(body, stale))).toBe("stale");
    const { "wechatpay-nonce": _, ...noNonce } = headers;
    expect(await refusal(read(body, noNonce))).toBe("bad_signature");
  });

  it("refuses a resource encrypted with another APIv3 key or with altered associated data", async () => {
    const resource = await wechatResource(transaction(), "ZZZZc3d4e5f6g7h8i9j0k1l2m3n4o5p6");
    expect(await refusal(decryptWechatResource(resource, WECHAT_API_V3_KEY))).toBe("invalid");
    const altered = { ...(await wechatResource(transaction())), associated_data: "refund" };
    expect(await refusal(decryptWechatResource(altered, WECHAT_API_V3_KEY))).toBe("invalid");
    const good = await wechatResource({ ok: 1 });
    expect(JSON.parse(await decryptWechatResource(good, WECHAT_API_V3_KEY))).toEqual({ ok: 1 });
  });

  it("reads refunds; refuses another merchant; ignores what is not a success", async () => {
    const refund = {
      mchid: WECHAT_MCHID,
      out_trade_no: "o-1",
      transaction_id: "t-1",
      out_refund_no: "r-1",
      refund_id: "50000000382019052709732678859",
      refund_status: "SUCCESS",
      success_time: "2026-11-30T13:29:35+08:00",
      amount: { total: 19900, refund: 5000, payer_total: 19900, payer_refund: 5000 },
    };
    const c = creds();
    const n = await wechatNotification(bytes(await signedWechat("REFUND.SUCCESS", refund)), c, now());
    expect(n.facts[0]).toMatchObject({
      kind: "refund",
      paymentRefs: ["o-1"],
      currency: null,
      amount: { cumulative: false, minor: 5000, refundRef: "50000000382019052709732678859" },
    });
    const foreign = bytes(await signedWechat("TRANSACTION.SUCCESS", transaction({ mchid: "1230000109" })));
    expect(await refusal(wechatNotification(foreign, c, now()))).toBe("wrong_account");
    const closed = await wechatNotification(bytes(await signedWechat("REFUND.CLOSED", refund)), c, now());
    expect(closed.facts).toEqual([]);
  });
});

describe("Alipay RSA2", () => {
  const params = (extra: Record<string, string> = {}) =>
    alipayParams({
      out_trade_no: "ali-1",
      trade_status: "TRADE_SUCCESS",
      total_amount: "199.90",
      gmt_payment: "2026-11-30 15:45:57",
      passback_params: encodeURIComponent("u=learner-7&r=rec_1"),
      ...extra,
    });
  const verify = async (body: string) => {
    const form = parseAlipayForm(bytes(body));
    await verifyAlipaySignature(form, await importRsaPublicKey(platform.publicBase64));
    return form;
  };

  it("verifies the sorted k=v content (sign, sign_type and empty fields left out), UTF-8 included", async () => {
    const signed = await alipaySign({ ...params(), body: "" }, platform.keys.privateKey);
    const form = await verify(formBody(signed));
    const n = alipayNotification(form, { appId: ALIPAY_APP_ID }, now());
    expect(n.facts).toEqual([
      expect.objectContaining({
        kind: "purchase",
        orderId: "ali-1",
        amountMinor: 19990,
        currency: "CNY",
        ts: Date.parse("2026-11-30T15:45:57+08:00"),
        learner: { userId: "learner-7", recId: "rec_1" },
        payer: "2088102122524333",
      }),
    ]);
    expect(form.params.subject).toBe("Python 入门");
  });

  it("verifies an app sending GBK over the GBK bytes it signed", async () => {
    const p = params({ charset: "gbk" });
    delete p.subject;
    const subject = Uint8Array.of(0xc8, 0xeb, 0xc3, 0xc5); // 入门 in GBK
    const parts = [...Object.keys(p), "subject"].sort().flatMap((k, i) => {
      const head = new TextEncoder().encode(`${i ? "&" : ""}${k}=`);
      return k === "subject" ? [head, subject] : [head, bytes(p[k]!)];
    });
    const content = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    parts.reduce((at, x) => (content.set(x, at), at + x.length), 0);
    const sign = await rsaSign(platform.keys.privateKey, content);
    const form = await verify(`${formBody({ ...p, sign_type: "RSA2", sign })}&subject=%C8%EB%C3%C5`);
    expect(form.params.subject).toBe("入门");
  });

  it("refuses tampered amounts, another key, a missing sign and RSA (SHA-1) signatures", async () => {
    const signed = await alipaySign(params(), platform.keys.privateKey);
    expect(await refusal(verify(formBody({ ...signed, total_amount: "1999.00" })))).toBe("bad_signature");
    expect(await refusal(verify(formBody(await alipaySign(params(), other.keys.privateKey))))).toBe("bad_signature");
    const { sign: _, ...unsigned } = signed;
    expect(await refusal(verify(formBody(unsigned)))).toBe("bad_signature");
    expect(await refusal(verify(formBody({ ...signed, sign_type: "RSA" })))).toBe("bad_signature");
    expect(await refusal(verify(`${formBody(signed)}&out_trade_no=ali-2`))).toBe("invalid");
  });

  it("reads a refund's refunded total; refuses another app", async () => {
    const form = parseAlipayForm(
      bytes(formBody(params({ refund_fee: "50.00", gmt_refund: "2026-12-01 09:00:00.120", out_biz_no: "rf-1" }))),
    );
    const n = alipayNotification(form, { appId: ALIPAY_APP_ID }, now());
    expect(n.facts.map((f) => f.kind)).toEqual(["purchase", "refund"]);
    expect(n.facts[1]).toMatchObject({ amount: { cumulative: true, minor: 5000, counterRef: "ali-1" } });
    expect(() => alipayNotification(form, { appId: "2021000000000000" }, now())).toThrow(WebhookRefusal);
  });
});

describe("learner fields", () => {
  it("read querystrings and JSON, long or one-letter names, and drop malformed fields", () => {
    expect(learnerFromText("u=learner-7&v=vis-1&r=rec_1&p=SPRING_24&i=a,b,a")).toEqual({
      userId: "learner-7",
      visitorId: "vis-1",
      recId: "rec_1",
      partnerCode: "SPRING_24",
      items: ["a", "b"],
    });
    expect(learnerFromText('{"user_id":"learner-7","rec_id":"rec_1"}')).toEqual({
      userId: "learner-7",
      recId: "rec_1",
    });
    expect(learnerFromText("p=bad code!&r=" + "x".repeat(65))).toEqual({});
    expect(learnerFromText("{not json")).toEqual({});
    expect(learnerFromRecord({ visitor_id: "v", unrelated: "x" })).toEqual({ visitorId: "v" });
  });
});
