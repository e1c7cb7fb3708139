// Payment facts as server events: the body /api/v1/events would accept, so notifications take the
// same path as a back end's purchases (validation, enrichment, queue, dedupe, commissions).
// Event ids are derived from the provider's payment and refund ids: whichever notification of a
// payment arrives, however often, it names the same event, and the consumer stores it once.
import { sha256Hex } from "../../core/hash";
import { toMajor } from "../../core/money";
import { namesLearner } from "./learner";
import type { Learner, PaymentProvider, PurchaseFact, RefundFact } from "./types";

/** A server event as /api/v1/events takes it (functions/edge/capture/schemas.ts ServerEventInput). */
export interface PaymentEvent {
  id: string;
  type: "purchase" | "refund";
  ts: number;
  order_id: string;
  revenue: number;
  currency: string;
  user_id?: string;
  visitor_id?: string;
  rec_id?: string;
  partner_code?: string;
  items?: { id: string }[];
  props: { payment_provider: PaymentProvider; payment_ref: string };
}

/** `stripe.purchase.<32 hex>`: within the 64 characters an event id may have. */
export async function paymentEventId(provider: PaymentProvider, kind: "purchase" | "refund", key: string) {
  return `${provider}.${kind}.${(await sha256Hex(`${provider}|${kind}|${key}`)).slice(0, 32)}`;
}

/** The event id of a refund: its own id, or the payment's refunded total it brings the payment to. */
export const refundEventKey = (fact: RefundFact) =>
  fact.amount.cumulative ? `${fact.amount.counterRef}@${fact.amount.minor}` : fact.amount.refundRef;

/**
 * Who the event belongs to: the learner named, else the provider's payer id as a user
 * (`wechat:<openid>`, `alipay:<buyer_id>`, `stripe:<customer>`), else one named after the payment.
 */
export function eventLearner(provider: PaymentProvider, learner: Learner, payer: string | null, ref: string): Learner {
  if (namesLearner(learner)) return learner;
  return { ...learner, userId: `${provider}:${payer ?? ref}`.slice(0, 128) };
}

function learnerFields(l: Learner) {
  return {
    ...(l.userId !== undefined && { user_id: l.userId }),
    ...(l.visitorId !== undefined && { visitor_id: l.visitorId }),
  };
}

export function purchaseEvent(
  provider: PaymentProvider,
  fact: PurchaseFact,
  id: string,
  orderId: string,
  learner: Learner,
): PaymentEvent {
  return {
    id,
    type: "purchase",
    ts: fact.ts,
    order_id: orderId,
    revenue: toMajor(fact.amountMinor, fact.currency),
    currency: fact.currency,
    ...learnerFields(learner),
    ...(learner.recId !== undefined && { rec_id: learner.recId }),
    ...(learner.partnerCode !== undefined && { partner_code: learner.partnerCode }),
    ...(learner.items && { items: learner.items.map((item) => ({ id: item })) }),
    props: { payment_provider: provider, payment_ref: fact.paymentRef },
  };
}

export function refundEvent(
  provider: PaymentProvider,
  fact: RefundFact,
  id: string,
  orderId: string,
  learner: Learner,
  amountMinor: number,
  currency: string,
): PaymentEvent {
  return {
    id,
    type: "refund",
    ts: fact.ts,
    order_id: orderId,
    revenue: toMajor(amountMinor, currency),
    currency,
    ...learnerFields(learner),
    props: { payment_provider: provider, payment_ref: fact.paymentRefs[0] ?? orderId },
  };
}
