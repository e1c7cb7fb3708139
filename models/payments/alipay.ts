// Alipay asynchronous notifications (异步通知, notify_url): a form-encoded POST. RSA2 verification:
// drop `sign` and `sign_type` and empty values, sort the rest by name, join `name=value` with `&`
// (values decoded, bytes as sent in the notification's charset) and verify `sign` (base64
// SHA256withRSA) with Alipay's public key. Amounts are yuan strings ("199.00").
// TRADE_SUCCESS / TRADE_FINISHED make a purchase of out_trade_no; a notification carrying
// refund_fee (the trade's refunded total so far) and gmt_refund a refund.
import { toMinor } from "../../core/money";
import { verifyRsaSha256 } from "./keys";
import { learnerFromText } from "./learner";
import { type AlipayCredentials, type PaymentFact, type PaymentNotification, WebhookRefusal } from "./types";

/** One form field: its name, its decoded value, and the value's bytes (what the signature covers). */
interface Field {
  name: string;
  bytes: Uint8Array;
}

function percentDecode(raw: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x2b) out.push(0x20);
    else if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

export interface AlipayForm {
  /** Decoded values by name. */
  params: Record<string, string>;
  /** The bytes Alipay signed: `name=value&...` over the sorted, non-empty fields. */
  signedContent: Uint8Array;
}

/** Parses a form body in its declared charset (the `charset` field, else `fallbackCharset`, else UTF-8). */
export function parseAlipayForm(body: Uint8Array, fallbackCharset?: string): AlipayForm {
  let raw = ""; // percent-encoded: one char per byte
  for (const b of body) raw += String.fromCharCode(b);
  const fields: Field[] = [];
  const seen = new Set<string>();
  for (const pair of raw.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const name = new TextDecoder().decode(percentDecode(eq < 0 ? pair : pair.slice(0, eq)));
    if (seen.has(name)) throw new WebhookRefusal("invalid", `The field ${name} appears twice.`);
    seen.add(name);
    fields.push({ name, bytes: percentDecode(eq < 0 ? "" : pair.slice(eq + 1)) });
  }
  const charsetField = fields.find((f) => f.name === "charset");
  const charset = (charsetField ? new TextDecoder().decode(charsetField.bytes) : fallbackCharset) || "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.trim().toLowerCase(), { fatal: true, ignoreBOM: false });
  } catch {
    throw new WebhookRefusal("invalid", `Charset ${charset} is not supported: set the app's charset to UTF-8.`);
  }
  const params: Record<string, string> = {};
  try {
    for (const f of fields) params[f.name] = decoder.decode(f.bytes);
  } catch {
    throw new WebhookRefusal("invalid", `A field is not valid ${charset}.`);
  }
  const signed = fields
    .filter((f) => f.name !== "sign" && f.name !== "sign_type" && f.bytes.length > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts: Uint8Array[] = [];
  const encoder = new TextEncoder();
  signed.forEach((f, i) => parts.push(encoder.encode(`${i ? "&" : ""}${f.name}=`), f.bytes));
  const signedContent = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    signedContent.set(p, offset);
    offset += p.length;
  }
  return { params, signedContent };
}

/** Throws a WebhookRefusal unless `sign` is Alipay's RSA2 signature of the form. */
export async function verifyAlipaySignature(form: AlipayForm, key: CryptoKey): Promise<void> {
  const { sign, sign_type: signType } = form.params;
  if (!sign) throw new WebhookRefusal("bad_signature", "The notification carries no sign.");
  if (signType !== "RSA2") throw new WebhookRefusal("bad_signature", `sign_type ${signType} is not RSA2.`);
  if (!(await verifyRsaSha256(key, sign, form.signedContent))) {
    throw new WebhookRefusal("bad_signature", "sign does not verify with the Alipay public key.");
  }
}

const YUAN = /^\d{1,10}(\.\d{1,2})?$/;
const yuanToFen = (s: string | undefined) => (s && YUAN.test(s) ? toMinor(Number(s), "CNY") : null);

/** Alipay's times are Beijing time without a zone: "2015-04-27 15:45:57". */
const beijingTime = (s: string | undefined, fallback: number) => {
  const ms = s ? Date.parse(`${s.trim().replace(" ", "T")}+08:00`) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
};

/** passback_params is URL-encoded by the merchant before sending; the notification returns it as is. */
function passback(value: string | undefined): string | undefined {
  if (!value || /[={]/.test(value)) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const PAID = new Set(["TRADE_SUCCESS", "TRADE_FINISHED"]);

/** What a verified notification reports. */
export function alipayNotification(
  form: AlipayForm,
  creds: Pick<AlipayCredentials, "appId">,
  nowMs: number,
): PaymentNotification {
  const p = form.params;
  if (p.app_id !== creds.appId)
    throw new WebhookRefusal("wrong_account", `app_id ${p.app_id} is not the configured app.`);
  if (!p.notify_id || !p.out_trade_no) throw new WebhookRefusal("invalid", "notify_id or out_trade_no is missing.");
  const base = { id: p.notify_id, type: p.notify_type ?? "trade_status_sync" };
  const orderId = p.out_trade_no.trim().slice(0, 128);
  const learner = learnerFromText(passback(p.passback_params));
  const payer = p.buyer_open_id ?? p.buyer_id ?? null;
  const facts: PaymentFact[] = [];

  const total = yuanToFen(p.total_amount);
  const refunded = yuanToFen(p.refund_fee);
  if (total !== null && total > 0 && (PAID.has(p.trade_status ?? "") || (refunded && p.gmt_payment))) {
    // A refund notification describes the paid trade too: the purchase it implies is the same
    // purchase (keyed by out_trade_no), so a lost payment notification is made good, never doubled.
    facts.push({
      kind: "purchase",
      paymentRef: orderId,
      orderId,
      amountMinor: total,
      currency: "CNY",
      ts: beijingTime(p.gmt_payment ?? p.notify_time, nowMs),
      learner,
      orderRefs: p.trade_no ? [p.trade_no] : [],
      learnerRefs: [],
      payer,
    });
  }
  if (refunded !== null && refunded > 0) {
    facts.push({
      kind: "refund",
      paymentRefs: [orderId],
      orderId,
      currency: "CNY",
      ts: beijingTime(p.gmt_refund ?? p.notify_time, nowMs),
      amount: { cumulative: true, minor: refunded, counterRef: orderId },
      learner,
      payer,
    });
  }
  if (facts.length === 0) return { ...base, facts, ignoredBecause: `trade_status ${p.trade_status ?? "(none)"}` };
  return { ...base, facts };
}
