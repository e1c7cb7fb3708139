// WeChat Pay API v3 notifications (微信支付 支付/退款结果通知):
// - The platform signs `Wechatpay-Timestamp\nWechatpay-Nonce\nbody\n` with SHA256-RSA (RSASSA-PKCS1-v1_5);
//   `Wechatpay-Signature` is base64, `Wechatpay-Serial` names the key (微信支付公钥 ID or platform
//   certificate serial). The timestamp must be within the tolerance (WeChat suggests 5 minutes).
// - `resource` is AEAD_AES_256_GCM: key = the merchant's APIv3 key, iv = `nonce`, additional data =
//   `associated_data`, `ciphertext` = base64(encrypted || 16-byte tag).
// TRANSACTION.SUCCESS makes a purchase (out_trade_no, amount.total in fen, payer.openid, attach);
// REFUND.SUCCESS a refund of amount.refund.
import { z } from "zod";
import { isCurrencyCode } from "../../core/money";
import { base64ToBytes, verifyRsaSha256 } from "./keys";
import { learnerFromText } from "./learner";
import { type PaymentNotification, type WechatCredentials, WebhookRefusal } from "./types";

const encoder = new TextEncoder();

/** The message WeChat Pay signs for a notification. */
export function wechatSignedMessage(timestamp: string, nonce: string, body: Uint8Array): Uint8Array {
  const head = encoder.encode(`${timestamp}\n${nonce}\n`);
  const out = new Uint8Array(head.length + body.length + 1);
  out.set(head);
  out.set(body, head.length);
  out[out.length - 1] = 0x0a;
  return out;
}

/** Throws a WebhookRefusal unless the headers sign `body` with the configured platform key. */
export async function verifyWechatSignature(
  headers: { get(name: string): string | null },
  body: Uint8Array,
  key: CryptoKey,
  creds: Pick<WechatCredentials, "serial" | "toleranceSeconds">,
  nowMs: number,
): Promise<void> {
  const timestamp = headers.get("wechatpay-timestamp") ?? "";
  const nonce = headers.get("wechatpay-nonce") ?? "";
  const signature = headers.get("wechatpay-signature") ?? "";
  const serial = headers.get("wechatpay-serial") ?? "";
  if (!/^\d{1,12}$/.test(timestamp) || !nonce || !signature || !serial) {
    throw new WebhookRefusal("bad_signature", "Missing Wechatpay-Timestamp, -Nonce, -Signature or -Serial.");
  }
  if (serial.toUpperCase() !== creds.serial.toUpperCase()) {
    throw new WebhookRefusal("wrong_account", `Wechatpay-Serial ${serial} is not the configured key's serial.`);
  }
  // WeChat probes merchants with deliberately wrong signatures (WECHATPAY/SIGNTEST/...): they fail here.
  if (!(await verifyRsaSha256(key, signature, wechatSignedMessage(timestamp, nonce, body)))) {
    throw new WebhookRefusal("bad_signature", "Wechatpay-Signature does not verify with the platform key.");
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > creds.toleranceSeconds) {
    throw new WebhookRefusal("stale", `Wechatpay-Timestamp is more than ${creds.toleranceSeconds} s from now.`);
  }
}

const Resource = z.looseObject({
  algorithm: z.literal("AEAD_AES_256_GCM"),
  ciphertext: z.string().min(1),
  nonce: z.string().min(1),
  associated_data: z.string().nullish(),
  original_type: z.string().optional(),
});
export type WechatResource = z.infer<typeof Resource>;

const Envelope = z.looseObject({
  id: z.string().min(1),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: Resource,
});

/** Decrypts `resource` with the APIv3 key. Throws WebhookRefusal("invalid") when it does not authenticate. */
export async function decryptWechatResource(resource: WechatResource, apiV3Key: string): Promise<string> {
  try {
    const key = await crypto.subtle.importKey("raw", encoder.encode(apiV3Key), "AES-GCM", false, ["decrypt"]);
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: encoder.encode(resource.nonce),
        additionalData: encoder.encode(resource.associated_data ?? ""),
        tagLength: 128,
      },
      key,
      base64ToBytes(resource.ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch (err) {
    throw new WebhookRefusal("invalid", "The resource does not decrypt with the APIv3 key.", { cause: err });
  }
}

const WechatCurrency = z
  .string()
  .optional()
  .transform((c) => c ?? "CNY")
  .refine(isCurrencyCode, "Not a currency code.");

const Transaction = z.looseObject({
  mchid: z.string().optional(),
  sp_mchid: z.string().optional(),
  out_trade_no: z.string().min(1).max(128),
  transaction_id: z.string().optional(),
  trade_state: z.string(),
  attach: z.string().nullish(),
  success_time: z.string().optional(),
  payer: z.looseObject({ openid: z.string().optional(), sp_openid: z.string().optional() }).optional(),
  amount: z.looseObject({ total: z.number().int().nonnegative(), currency: WechatCurrency }),
});

const Refund = z.looseObject({
  mchid: z.string().optional(),
  sp_mchid: z.string().optional(),
  out_trade_no: z.string().min(1).max(128),
  transaction_id: z.string().optional(),
  out_refund_no: z.string().min(1),
  refund_id: z.string().optional(),
  refund_status: z.string(),
  success_time: z.string().optional(),
  amount: z.looseObject({ refund: z.number().int().nonnegative(), currency: z.string().optional() }),
});

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookRefusal("invalid", `Not a WeChat Pay ${what}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return parsed.data;
}

const timeOf = (rfc3339: string | undefined, fallback: number) => {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
};

function checkMerchant(r: { mchid?: string; sp_mchid?: string }, mchid: string) {
  const theirs = r.sp_mchid ?? r.mchid;
  if (theirs !== mchid) throw new WebhookRefusal("wrong_account", `mchid ${theirs} is not the configured merchant.`);
}

/** What a verified notification reports, its resource decrypted. */
export async function wechatNotification(
  body: Uint8Array,
  creds: Pick<WechatCredentials, "apiV3Key" | "mchid">,
  nowMs: number,
): Promise<PaymentNotification> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new WebhookRefusal("invalid", "The body is not JSON.");
  }
  const envelope = parse(Envelope, json, "notification");
  const base = { id: envelope.id, type: envelope.event_type };
  if (envelope.event_type !== "TRANSACTION.SUCCESS" && envelope.event_type !== "REFUND.SUCCESS") {
    return { ...base, facts: [], ignoredBecause: `${envelope.event_type} is not a payment or refund` };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(await decryptWechatResource(envelope.resource, creds.apiV3Key));
  } catch (err) {
    if (err instanceof WebhookRefusal) throw err;
    throw new WebhookRefusal("invalid", "The decrypted resource is not JSON.");
  }

  if (envelope.event_type === "TRANSACTION.SUCCESS") {
    const t = parse(Transaction, plain, "transaction");
    checkMerchant(t, creds.mchid);
    if (t.trade_state !== "SUCCESS") return { ...base, facts: [], ignoredBecause: `trade_state ${t.trade_state}` };
    if (t.amount.total === 0) return { ...base, facts: [], ignoredBecause: "nothing was paid" };
    const payer = t.payer?.sp_openid ?? t.payer?.openid ?? null;
    return {
      ...base,
      facts: [
        {
          kind: "purchase",
          paymentRef: t.out_trade_no,
          orderId: t.out_trade_no,
          amountMinor: t.amount.total,
          currency: t.amount.currency,
          ts: timeOf(t.success_time, nowMs),
          learner: learnerFromText(t.attach),
          orderRefs: t.transaction_id ? [t.transaction_id] : [],
          learnerRefs: [],
          payer,
        },
      ],
    };
  }
  const r = parse(Refund, plain, "refund");
  checkMerchant(r, creds.mchid);
  if (r.refund_status !== "SUCCESS") return { ...base, facts: [], ignoredBecause: `refund_status ${r.refund_status}` };
  if (r.amount.refund === 0) return { ...base, facts: [], ignoredBecause: "nothing was refunded" };
  const currency = r.amount.currency && isCurrencyCode(r.amount.currency) ? r.amount.currency : null;
  return {
    ...base,
    facts: [
      {
        kind: "refund",
        paymentRefs: [r.out_trade_no],
        orderId: r.out_trade_no,
        currency,
        ts: timeOf(r.success_time, nowMs),
        amount: { cumulative: false, minor: r.amount.refund, refundRef: r.refund_id ?? r.out_refund_no },
        learner: {},
        payer: null,
      },
    ],
  };
}
