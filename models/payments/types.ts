// Payment notifications, provider-neutral: what a verified Stripe, WeChat Pay or Alipay notification
// says happened (a payment, a refund), before it becomes a server purchase or refund event.
// Amounts are integer minor units of the provider's currency.

export const PAYMENT_PROVIDERS = ["stripe", "wechat", "alipay"] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

export const isPaymentProvider = (name: string): name is PaymentProvider =>
  (PAYMENT_PROVIDERS as readonly string[]).includes(name);

/**
 * What became of a delivery, counted per site and provider. `accepted`, `duplicate` and `ignored`
 * are answered as success (the provider stops retrying); the others are refusals.
 */
export const WEBHOOK_OUTCOMES = [
  "accepted",
  "duplicate",
  "ignored",
  "bad_signature",
  "stale",
  "wrong_account",
  "invalid",
  "too_large",
  "failed",
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];
export type RefusalOutcome = Exclude<WebhookOutcome, "accepted" | "duplicate" | "ignored">;

/** A notification refused before anything was stored: bad signature, stale, not ours, malformed. */
export class WebhookRefusal extends Error {
  override readonly name = "WebhookRefusal";
  constructor(
    readonly outcome: RefusalOutcome,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The Stripe webhook signature's default tolerance, as Stripe's own libraries apply it. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface StripeCredentials {
  provider: "stripe";
  /** The endpoint's signing secret (whsec_...), used whole as the HMAC key. */
  endpointSecret: string;
  toleranceSeconds: number;
}

export interface WechatCredentials {
  provider: "wechat";
  mchid: string;
  /** The merchant's APIv3 key: 32 characters, the AES-256-GCM key of `resource`. */
  apiV3Key: string;
  /** PEM: WeChat Pay's public key (微信支付公钥) or its platform certificate (平台证书). */
  platformKey: string;
  /** Wechatpay-Serial of that key: PUB_KEY_ID_... or the certificate's serial number (hex). */
  serial: string;
  toleranceSeconds: number;
}

export interface AlipayCredentials {
  provider: "alipay";
  appId: string;
  /** Alipay's public key (支付宝公钥), PEM or bare base64 of its SubjectPublicKeyInfo. */
  alipayPublicKey: string;
}

export type PaymentCredentials = StripeCredentials | WechatCredentials | AlipayCredentials;

/** Who paid, as the site told the provider (Stripe metadata, WeChat attach, Alipay passback_params). */
export interface Learner {
  userId?: string;
  visitorId?: string;
  recId?: string;
  partnerCode?: string;
  items?: string[];
}

export interface PurchaseFact {
  kind: "purchase";
  /** The provider's id of this payment: every notification of it makes the same, single purchase. */
  paymentRef: string;
  /** The site's order id (out_trade_no, Stripe metadata.order_id): browser purchases with it are superseded. */
  orderId: string;
  amountMinor: number;
  currency: string;
  ts: number;
  learner: Learner;
  /** Other ids of this payment, by which its refunds find it (payment intent, invoice, session). */
  orderRefs: string[];
  /** Ids that outlive one payment (Stripe customer, subscription): renewals find their learner by them. */
  learnerRefs: string[];
  /** The provider's id of the payer (openid, buyer id, customer): the learner when nothing else names one. */
  payer: string | null;
}

export type RefundAmount =
  /** This refund's own amount (WeChat), keyed by the refund's id. */
  | { cumulative: false; minor: number; refundRef: string }
  /** The payment's refunded total so far (Stripe amount_refunded, Alipay refund_fee), kept per `counterRef`. */
  | { cumulative: true; minor: number; counterRef: string };

export interface RefundFact {
  kind: "refund";
  /** Ids naming the refunded payment, most specific first: a stored one gives the order and learner. */
  paymentRefs: string[];
  /** The order id when no stored payment names one. */
  orderId: string;
  /** Null when the notification does not say (WeChat): the payment's, else CNY. */
  currency: string | null;
  ts: number;
  amount: RefundAmount;
  learner: Learner;
  payer: string | null;
}

export type PaymentFact = PurchaseFact | RefundFact;

/** A verified notification: its id (dedupe), its type, and what it reports (none: ignored). */
export interface PaymentNotification {
  id: string;
  type: string;
  facts: PaymentFact[];
  /** Why nothing is reported, for the ignored count. */
  ignoredBecause?: string;
}

/** Headers and the exact bytes received: signatures cover the raw body. */
export interface RawNotification {
  headers: { get(name: string): string | null };
  body: Uint8Array;
}
