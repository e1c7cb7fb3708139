// One entry for every provider: verify a delivery as its provider documents, then say what it
// reports. Throws WebhookRefusal for anything that must not be trusted.
import { alipayNotification, parseAlipayForm, verifyAlipaySignature } from "./alipay";
import { importRsaPublicKey, KeyFormatError } from "./keys";
import { stripeNotification, verifyStripeSignature } from "./stripe";
import { type PaymentCredentials, type PaymentNotification, type RawNotification, WebhookRefusal } from "./types";
import { verifyWechatSignature, wechatNotification } from "./wechat";

/** Imported public keys, per key text: the same few keys verify every notification of an isolate. */
const keys = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_MAX = 100;

async function rsaKey(text: string): Promise<CryptoKey> {
  let key = keys.get(text);
  if (!key) {
    if (keys.size >= KEY_CACHE_MAX) keys.clear();
    key = importRsaPublicKey(text);
    keys.set(text, key);
    key.catch(() => keys.delete(text));
  }
  try {
    return await key;
  } catch (err) {
    // Checked when configured; failing now means the stored key is damaged, not the notification.
    if (err instanceof KeyFormatError) throw new WebhookRefusal("failed", `The configured key: ${err.message}`);
    throw err;
  }
}

const charsetOf = (contentType: string | null) => /charset=([\w-]+)/i.exec(contentType ?? "")?.[1];

export async function readNotification(
  creds: PaymentCredentials,
  raw: RawNotification,
  nowMs: number,
): Promise<PaymentNotification> {
  switch (creds.provider) {
    case "stripe":
      await verifyStripeSignature(
        raw.headers.get("stripe-signature"),
        raw.body,
        creds.endpointSecret,
        nowMs,
        creds.toleranceSeconds,
      );
      return stripeNotification(raw.body);
    case "wechat":
      await verifyWechatSignature(raw.headers, raw.body, await rsaKey(creds.platformKey), creds, nowMs);
      return wechatNotification(raw.body, creds, nowMs);
    case "alipay": {
      const form = parseAlipayForm(raw.body, charsetOf(raw.headers.get("content-type")));
      await verifyAlipaySignature(form, await rsaKey(creds.alipayPublicKey));
      return alipayNotification(form, creds, nowMs);
    }
  }
}
