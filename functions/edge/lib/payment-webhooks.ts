// A payment notification's way in: find the site by the URL's token, verify the delivery as its
// provider documents (models/payments), drop redeliveries, turn what it reports into server
// purchase and refund events and hand them to the capture path every server event takes. Each
// delivery's outcome is counted per site and provider; the answer is the one each provider expects.
import { siteDatabase } from "../../../schema/databases";
import type { EdgeEnv } from "../../../core/env";
import { describeError } from "../../../core/errors";
import { sha256Hex } from "../../../core/hash";
import {
  eventLearner,
  type PaymentEvent,
  paymentEventId,
  purchaseEvent,
  refundEvent,
  refundEventKey,
} from "../../../models/payments/events";
import { mergeLearner, namesLearner } from "../../../models/payments/learner";
import { readNotification } from "../../../models/payments/read";
import {
  isPaymentProvider,
  type Learner,
  type PaymentNotification,
  type PaymentProvider,
  type PurchaseFact,
  type RefundFact,
  type WebhookOutcome,
  WebhookRefusal,
} from "../../../models/payments/types";
import { runBatch } from "../../../schema/queries/batch";
import {
  countWebhookOutcome,
  lowerRefundedTotal,
  notificationSeen,
  paymentProviderByTokenHash,
  paymentRefsOf,
  type PaymentRefRow,
  raiseRefundedTotal,
  recordNotificationStatement,
  type RefWrite,
  saveRefsStatements,
} from "../../../schema/queries/payments";
import type { SiteScope } from "../../../schema/queries/scope";
import { getSite } from "../../../schema/queries/sites";
import { readLimitedBytes } from "../../shared/body";
import { ApiError } from "../../shared/errors";
import { acceptEvents } from "../capture/accept";
import { SERVER_MAX_AGE_MS, ServerEventInput } from "../capture/schemas";
import { openConfig } from "./payment-config";

/** Providers' notifications are a few KB; anything this large is not one. */
export const PAYMENT_MAX_BODY_BYTES = 64 * 1024;

const STATUS: Record<WebhookOutcome, number> = {
  accepted: 200,
  duplicate: 200,
  ignored: 200,
  bad_signature: 401,
  stale: 400,
  wrong_account: 403,
  invalid: 400,
  too_large: 413,
  failed: 500,
};

/** What each provider expects: Stripe any 2xx, WeChat 200 + JSON code, Alipay the bare word `success`. */
export function providerAnswer(provider: PaymentProvider, status: number, code: string, message: string): Response {
  const ok = status < 300;
  if (provider === "alipay") {
    return new Response(ok ? "success" : "failure", { status, headers: { "content-type": "text/plain" } });
  }
  const body =
    provider === "wechat"
      ? { code: ok ? "SUCCESS" : "FAIL", message: ok ? "成功" : message }
      : ok
        ? { received: true }
        : { error: { code, message, issues: [] } };
  return Response.json(body, { status });
}

export async function receivePaymentWebhook(
  env: EdgeEnv,
  providerName: string,
  token: string,
  request: Request,
): Promise<Response> {
  if (!isPaymentProvider(providerName)) {
    throw new ApiError(404, "not_found", "No such payment provider.", [
      { path: "provider", message: "One of stripe, wechat, alipay." },
    ]);
  }
  const provider = providerName;
  const config = await paymentProviderByTokenHash(env, await sha256Hex(token));
  if (!config || config.provider !== provider) {
    console.warn("payments: notification for an unknown endpoint", { provider });
    return providerAnswer(provider, 404, "not_found", "No such webhook endpoint.");
  }
  const scope: SiteScope = { siteId: config.siteId };
  const now = Date.now();
  const outcome = async (o: WebhookOutcome, message: string | null) => {
    await countWebhookOutcome(siteDatabase(env, scope.siteId), scope, provider, o, now, message);
    return providerAnswer(provider, STATUS[o], o, message ?? o);
  };

  let body: Uint8Array;
  try {
    body = await readLimitedBytes(request, PAYMENT_MAX_BODY_BYTES);
  } catch (err) {
    if (err instanceof ApiError && err.status === 413) return outcome("too_large", err.message);
    throw err;
  }
  const opened = await openConfig(env, config);
  if (!opened) {
    console.error("payments: credentials do not open (was PAYMENTS_KEY changed?)", { ...scope, provider });
    return outcome("failed", "The stored credentials do not open: configure the provider again.");
  }

  let notification: PaymentNotification;
  try {
    notification = await readNotification(opened.credentials, { headers: request.headers, body }, now);
  } catch (err) {
    if (err instanceof WebhookRefusal) return outcome(err.outcome, err.message);
    console.error("payments: notification could not be read", { ...scope, provider }, err);
    return outcome("failed", describeError(err));
  }
  if (await notificationSeen(siteDatabase(env, scope.siteId), scope, provider, notification.id)) {
    return outcome("duplicate", `${notification.type} ${notification.id}`);
  }
  try {
    const emitted = await applyNotification(env, scope, provider, notification, now);
    const o = notification.facts.length === 0 ? "ignored" : emitted > 0 ? "accepted" : "duplicate";
    return outcome(o, notification.ignoredBecause ?? `${notification.type} ${notification.id}`);
  } catch (err) {
    if (err instanceof WebhookRefusal) return outcome(err.outcome, err.message);
    // Nothing is marked processed: the provider's retry runs it again, and ids keep that idempotent.
    console.error("payments: notification failed", { ...scope, provider, id: notification.id }, err);
    return outcome("failed", describeError(err));
  }
}

/** The learner a stored ref remembers. */
const storedLearner = (row: PaymentRefRow | undefined): Learner => ({
  ...(row?.userId && { userId: row.userId }),
  ...(row?.visitorId && { visitorId: row.visitorId }),
});

const refWrite = (
  ref: string,
  orderId: string | null,
  l: Learner,
  currency: string | null,
  eventId: string | null,
) => ({
  ref,
  orderId,
  userId: l.userId ?? null,
  visitorId: l.visitorId ?? null,
  currency,
  purchaseEventId: eventId,
});

interface Plan {
  events: PaymentEvent[];
  refs: RefWrite[];
  learnerRefs: RefWrite[];
  /** Undo refunded-total raises if the events cannot be queued. */
  undo: (() => Promise<void>)[];
}

async function planPurchase(env: EdgeEnv, scope: SiteScope, provider: PaymentProvider, f: PurchaseFact, plan: Plan) {
  const stored = await paymentRefsOf(siteDatabase(env, scope.siteId), scope, provider, [
    f.paymentRef,
    ...f.learnerRefs,
  ]);
  if (stored.find((r) => r.ref === f.paymentRef)?.purchaseEventId) return; // this payment already made its purchase
  const known = stored.find((r) => f.learnerRefs.includes(r.ref) && (r.userId || r.visitorId));
  const named = namesLearner(f.learner) ? f.learner : mergeLearner(f.learner, storedLearner(known));
  const id = await paymentEventId(provider, "purchase", f.paymentRef);
  plan.events.push(purchaseEvent(provider, f, id, f.orderId, eventLearner(provider, named, f.payer, f.paymentRef)));
  for (const ref of new Set([f.paymentRef, ...f.orderRefs])) {
    plan.refs.push(refWrite(ref, f.orderId, named, f.currency, ref === f.paymentRef ? id : null));
  }
  if (namesLearner(named))
    for (const ref of f.learnerRefs) plan.learnerRefs.push(refWrite(ref, null, named, null, null));
}

async function planRefund(
  env: EdgeEnv,
  scope: SiteScope,
  provider: PaymentProvider,
  f: RefundFact,
  now: number,
  plan: Plan,
) {
  const payment = (await paymentRefsOf(siteDatabase(env, scope.siteId), scope, provider, f.paymentRefs)).find(
    (r) => r.orderId,
  );
  const orderId = payment?.orderId ?? f.orderId;
  const named = namesLearner(storedLearner(payment)) ? storedLearner(payment) : f.learner;
  const learner = eventLearner(provider, named, f.payer, orderId);
  const currency = f.currency ?? payment?.currency ?? "CNY";
  let amount = f.amount.minor;
  if (f.amount.cumulative) {
    const { counterRef, minor: total } = f.amount;
    const before = await raiseRefundedTotal(
      siteDatabase(env, scope.siteId),
      scope,
      provider,
      refWrite(counterRef, orderId, named, currency, null),
      total,
      now,
    );
    amount = total - before;
    if (amount <= 0) return; // this total was reported before
    plan.undo.push(() =>
      lowerRefundedTotal(siteDatabase(env, scope.siteId), scope, provider, counterRef, total, before),
    );
  }
  const id = await paymentEventId(provider, "refund", refundEventKey(f));
  plan.events.push(refundEvent(provider, f, id, orderId, learner, amount, currency));
}

/** Queues the notification's events through the capture path; returns how many were new. */
async function applyNotification(
  env: EdgeEnv,
  scope: SiteScope,
  provider: PaymentProvider,
  n: PaymentNotification,
  now: number,
): Promise<number> {
  const plan: Plan = { events: [], refs: [], learnerRefs: [], undo: [] };
  // A provider's clock ahead of ours must not get its payment refused as from the future.
  for (const fact of n.facts.map((f) => ({ ...f, ts: Math.min(f.ts, now) }))) {
    if (fact.kind === "purchase") await planPurchase(env, scope, provider, fact, plan);
    else await planRefund(env, scope, provider, fact, now, plan);
  }
  if (plan.events.length > 0) {
    const site = await getSite(env.DB, scope);
    if (!site) throw new Error(`site ${scope.siteId} is gone`);
    try {
      const result = await acceptEvents({
        env,
        site,
        events: plan.events,
        schema: ServerEventInput,
        origin: "server",
        maxAgeMs: SERVER_MAX_AGE_MS,
        ip: "",
        userAgent: "",
        country: null,
        region: null,
      });
      if (result.rejected.length > 0) {
        const issues = result.rejected.flatMap((r) => r.issues.map((i) => `${i.path}: ${i.message}`));
        throw new WebhookRefusal("invalid", `Refused by capture: ${issues.join("; ")}`);
      }
    } catch (err) {
      for (const undo of plan.undo) await undo();
      throw err;
    }
  }
  const db = siteDatabase(env, scope.siteId);
  await runBatch(db, [
    ...saveRefsStatements(db, scope, provider, plan.refs, now, { latestLearner: false }),
    ...saveRefsStatements(db, scope, provider, plan.learnerRefs, now, { latestLearner: true }),
    recordNotificationStatement(db, scope, provider, n.id, now),
  ]);
  return plan.events.length;
}
