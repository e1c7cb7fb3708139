// Stripe webhooks (https://docs.stripe.com/webhooks#verify-manually): `Stripe-Signature: t=...,v1=...`
// is HMAC-SHA256 over `t.payload` with the endpoint's secret, hex; several v1 values may be present
// while a secret rolls. The timestamp must be within the tolerance (300 s) of our clock.
// Events read: checkout.session.completed (and .async_payment_succeeded) and invoice.paid make
// purchases; charge.refunded makes refunds from the charge's refunded total.
import { z } from "zod";
import { timingSafeEqual } from "../../core/hash";
import { isCurrencyCode } from "../../core/money";
import { learnerFromRecord } from "./learner";
import { type Learner, type PaymentFact, type PaymentNotification, WebhookRefusal } from "./types";

const encoder = new TextEncoder();

async function hmacHex(secret: string, parts: Uint8Array[]): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const message = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    message.set(p, offset);
    offset += p.length;
  }
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The v1 signature Stripe sends for this payload at `timestamp` (seconds). */
const stripeSignature = (secret: string, timestamp: number, payload: Uint8Array) =>
  hmacHex(secret, [encoder.encode(`${timestamp}.`), payload]);

/** Throws a WebhookRefusal unless `header` signs `payload` with `secret` within the tolerance. */
export async function verifyStripeSignature(
  header: string | null,
  payload: Uint8Array,
  secret: string,
  nowMs: number,
  toleranceSeconds: number,
): Promise<void> {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of (header ?? "").split(",")) {
    const eq = part.indexOf("=");
    const [key, value] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === "v1" && value) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookRefusal("bad_signature", "Stripe-Signature carries no timestamp or no v1 signature.");
  }
  const expected = await stripeSignature(secret, timestamp, payload);
  if (!signatures.some((s) => timingSafeEqual(s, expected))) {
    throw new WebhookRefusal("bad_signature", "No v1 signature in Stripe-Signature matches the endpoint secret.");
  }
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) {
    throw new WebhookRefusal("stale", `The signature's timestamp is more than ${toleranceSeconds} s from now.`);
  }
}

/** An id, or an expanded object's id. */
const ref = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (typeof v === "string" ? v : (v?.id ?? null)));
const metadata = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});
const currency = z
  .string()
  .transform((c) => c.toUpperCase())
  .refine(isCurrencyCode, "Not a currency code.");

const StripeEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string(),
  created: z.number().int(),
  data: z.looseObject({ object: z.unknown() }),
});

const Session = z.looseObject({
  id: z.string(),
  mode: z.string(),
  payment_status: z.string(),
  amount_total: z.number().int().nullish(),
  currency: currency.nullish(),
  client_reference_id: z.string().nullish(),
  customer: ref,
  payment_intent: ref,
  invoice: ref,
  subscription: ref,
  metadata,
});

const Invoice = z.looseObject({
  id: z.string(),
  amount_paid: z.number().int(),
  currency,
  billing_reason: z.string().nullish(),
  customer: ref,
  metadata,
  // API versions before 2025-03-31 (basil): subscription, payment_intent and subscription_details.
  subscription: ref,
  payment_intent: ref,
  subscription_details: z.looseObject({ metadata }).nullish(),
  // Later versions: parent.subscription_details and payments (when included).
  parent: z.looseObject({ subscription_details: z.looseObject({ subscription: ref, metadata }).nullish() }).nullish(),
  payments: z
    .looseObject({ data: z.array(z.looseObject({ payment: z.looseObject({ payment_intent: ref }).nullish() })) })
    .nullish(),
  status_transitions: z.looseObject({ paid_at: z.number().int().nullish() }).nullish(),
});

const Charge = z.looseObject({
  id: z.string(),
  amount_refunded: z.number().int(),
  currency,
  customer: ref,
  payment_intent: ref,
  invoice: ref,
  metadata,
});

/** The site's order id from metadata, when it fits an event's order_id (1-128 characters). */
const orderIdOf = (value: string | undefined) => {
  const id = value?.trim();
  return id && id.length <= 128 ? id : undefined;
};

const present = (...ids: (string | null | undefined)[]) => [...new Set(ids.filter((id): id is string => !!id))];

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookRefusal("invalid", `Not a Stripe ${what}: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return parsed.data;
}

/** The learner of a session: metadata first, client_reference_id as the user id. */
function sessionLearner(s: z.infer<typeof Session>): Learner {
  const learner = learnerFromRecord(s.metadata);
  if (!learner.userId && s.client_reference_id) {
    const user = learnerFromRecord({ user_id: s.client_reference_id }).userId;
    if (user) learner.userId = user;
  }
  return learner;
}

function sessionFacts(s: z.infer<typeof Session>, ts: number): PaymentFact[] | string {
  if (s.mode !== "payment" && s.mode !== "subscription") return `mode ${s.mode} takes no payment`;
  if (s.payment_status !== "paid") return `payment_status is ${s.payment_status}`;
  if (!s.amount_total || !s.currency) return "nothing was paid";
  // A subscription's first payment is its first invoice: keyed by the invoice, invoice.paid for it
  // is the same purchase.
  const paymentRef = s.invoice ?? s.payment_intent ?? s.id;
  return [
    {
      kind: "purchase",
      paymentRef,
      orderId: orderIdOf(s.metadata.order_id) ?? paymentRef,
      amountMinor: s.amount_total,
      currency: s.currency,
      ts,
      learner: sessionLearner(s),
      orderRefs: present(s.id, s.payment_intent, s.invoice),
      learnerRefs: present(s.subscription, s.customer),
      payer: s.customer,
    },
  ];
}

function invoiceFacts(i: z.infer<typeof Invoice>, ts: number): PaymentFact[] | string {
  if (i.amount_paid <= 0) return "nothing was paid";
  const subscription = i.parent?.subscription_details?.subscription ?? i.subscription;
  const subscriptionMeta = i.parent?.subscription_details?.metadata ?? i.subscription_details?.metadata ?? {};
  // A subscription's metadata names its learner for every renewal, but its order id only the first.
  const first = i.billing_reason === "subscription_create";
  const orderId = orderIdOf(i.metadata.order_id) ?? (first ? orderIdOf(subscriptionMeta.order_id) : undefined) ?? i.id;
  const intents = (i.payments?.data ?? []).map((p) => p.payment?.payment_intent);
  return [
    {
      kind: "purchase",
      paymentRef: i.id,
      orderId,
      amountMinor: i.amount_paid,
      currency: i.currency,
      ts: (i.status_transitions?.paid_at ?? 0) * 1000 || ts,
      learner: { ...learnerFromRecord(subscriptionMeta), ...learnerFromRecord(i.metadata) },
      orderRefs: present(i.payment_intent, ...intents),
      learnerRefs: present(subscription, i.customer),
      payer: i.customer,
    },
  ];
}

function chargeFacts(c: z.infer<typeof Charge>, ts: number): PaymentFact[] | string {
  if (c.amount_refunded <= 0) return "nothing was refunded";
  return [
    {
      kind: "refund",
      paymentRefs: present(c.invoice, c.payment_intent, c.id),
      orderId: orderIdOf(c.metadata.order_id) ?? c.invoice ?? c.payment_intent ?? c.id,
      currency: c.currency,
      ts,
      amount: { cumulative: true, minor: c.amount_refunded, counterRef: c.id },
      learner: learnerFromRecord(c.metadata),
      payer: c.customer,
    },
  ];
}

/** What a verified Stripe event reports. Throws WebhookRefusal("invalid") when it is not an event. */
export function stripeNotification(body: Uint8Array): PaymentNotification {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new WebhookRefusal("invalid", "The body is not JSON.");
  }
  const event = parse(StripeEvent, json, "event");
  const ts = event.created * 1000;
  const object = event.data.object;
  let facts: PaymentFact[] | string;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      facts = sessionFacts(parse(Session, object, "Checkout Session"), ts);
      break;
    case "invoice.paid":
      facts = invoiceFacts(parse(Invoice, object, "invoice"), ts);
      break;
    case "charge.refunded":
      facts = chargeFacts(parse(Charge, object, "charge"), ts);
      break;
    default:
      facts = `${event.type} is not a payment or refund event`;
  }
  return typeof facts === "string"
    ? { id: event.id, type: event.type, facts: [], ignoredBecause: facts }
    : { id: event.id, type: event.type, facts };
}
