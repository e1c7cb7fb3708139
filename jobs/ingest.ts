// Queue consumer: writes accepted events to D1, each site's to its own database (schema/databases.ts).
// One D1 batch (one transaction) per site per queue batch; event ids dedupe retries (a delivery
// running at the same time makes the insert conflict and the transaction roll back, then the
// message is written again from a fresh read); bot counts are added once per message id; a message
// that fails on its own is retried with backoff and, after max_retries (wrangler.toml), lands in the
// dead-letter queue with the reason it failed. Nothing accepted is lost, nothing is written twice,
// every failure is logged with its site and message. Purchases and refunds then settle partner
// commissions.
import { type SiteDatabase, siteDatabase } from "../schema/databases";
import { describeError } from "../core/errors";
import type { EnrichedEvent } from "../core/event";
import { userVisitorId } from "../core/hash";
import type { EdgeEnv } from "../core/env";
import {
  type BotCounts,
  type DeadLetter,
  INGEST_MAX_RETRIES,
  type IngestMessage,
  isDeadLetter,
  isIngestMessage,
} from "../core/queue";
import { runBatch } from "../schema/queries/batch";
import { saveDeadLetters } from "../schema/queries/dead-letters";
import {
  existingEventIds,
  identitiesFor,
  insertEventsStatements,
  insertIdentitiesStatements,
  messageBotHitsStatements,
  recentSessions,
  supersedeBrowserPurchasesStatements,
  upsertSessionsStatements,
} from "../schema/queries/ingest";
import type { SiteScope } from "../schema/queries/scope";
import { settleOrders } from "./commissions";
import { SESSION_TIMEOUT_MS, sessionize } from "./sessionize";

/** Bot counts of one queue message: added once per message id, however often it is delivered. */
export interface MessageBots {
  messageId: string;
  bots: BotCounts;
}

/** Writes one site's events (any number of messages' worth) in a single D1 transaction. */
export async function writeSiteEvents(
  db: SiteDatabase,
  scope: SiteScope,
  incoming: EnrichedEvent[],
  bots: MessageBots[] = [],
): Promise<{ written: number; duplicates: number }> {
  const firstById = new Map<string, EnrichedEvent>();
  for (const e of incoming) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const stored = await existingEventIds(db, scope, [...firstById.keys()]);
  const fresh = [...firstById.values()].filter((e) => !stored.has(e.id));

  const statements: D1PreparedStatement[] = [];
  const now = Date.now();
  for (const m of bots) statements.push(...messageBotHitsStatements(db, scope, m.messageId, m.bots, now));

  if (fresh.length > 0) {
    const visitorIds = [...new Set(fresh.map((e) => e.visitorId).filter((v): v is string => v !== null))];
    const userIds = [...new Set(fresh.map((e) => e.userId).filter((u): u is string => u !== null))];
    const { userByVisitor, visitorByUser } = await identitiesFor(db, scope, visitorIds, userIds);

    // Stitch: a server event naming only a user joins that user's latest visitor; a visitor known
    // to be a user carries the user id on later events.
    const resolved = await Promise.all(
      fresh.map(async (e) => {
        const visitorId =
          e.visitorId ??
          (e.userId ? (visitorByUser.get(e.userId) ?? (await userVisitorId(scope.siteId, e.userId))) : null);
        if (!visitorId) throw new Error(`event ${e.id} has neither visitor nor user`);
        return { ...e, visitorId, userId: e.userId ?? userByVisitor.get(visitorId) ?? null };
      }),
    );
    const since = resolved.reduce((min, e) => Math.min(min, e.ts), Infinity) - SESSION_TIMEOUT_MS;
    const known = await recentSessions(db, scope, [...new Set(resolved.map((e) => e.visitorId))], since);
    const { events, sessions } = await sessionize(scope.siteId, resolved, known);

    const links = new Map<string, { visitorId: string; userId: string; at: number }>();
    for (const e of events) {
      if (e.userId && !userByVisitor.has(e.visitorId) && !links.has(e.visitorId)) {
        links.set(e.visitorId, { visitorId: e.visitorId, userId: e.userId, at: e.ts });
      }
    }
    const orderIds = [...new Set(events.filter((e) => e.type === "purchase" && e.orderId).map((e) => e.orderId!))];

    statements.push(
      ...insertEventsStatements(db, scope, events),
      ...upsertSessionsStatements(db, scope, sessions),
      ...insertIdentitiesStatements(db, scope, [...links.values()]),
      ...supersedeBrowserPurchasesStatements(db, scope, orderIds),
    );
  }
  await runBatch(db, statements);
  return { written: fresh.length, duplicates: firstById.size - fresh.length + (incoming.length - firstById.size) };
}

/** Retry delay grows with attempts: 2, 4, 8, 16, 32 s. */
export const retryDelaySeconds = (attempts: number) => Math.min(2 ** attempts, 300);

async function writeMessages(env: EdgeEnv, messages: Message<unknown>[]): Promise<void> {
  const bySite = new Map<string, { events: EnrichedEvent[]; bots: MessageBots[] }>();
  for (const m of messages) {
    const body = m.body as IngestMessage;
    const entry = bySite.get(body.siteId) ?? { events: [], bots: [] };
    entry.events.push(...body.events);
    if (body.bots) entry.bots.push({ messageId: m.id, bots: body.bots });
    bySite.set(body.siteId, entry);
  }
  for (const [siteId, { events, bots }] of bySite) {
    await writeSiteEvents(siteDatabase(env, siteId), { siteId }, events, bots);
    // Orders of every incoming purchase and refund, stored now or before (a retry after a failed
    // settlement finds its events already stored): settling is idempotent.
    const orders = events.filter((e) => (e.type === "purchase" || e.type === "refund") && e.orderId);
    await settleOrders(
      env,
      { siteId },
      orders.map((e) => e.orderId!),
      Date.now(),
    );
  }
}

/** Characters of an error kept in a dead letter: the SQL error and its causes, not a novel. */
const DEAD_LETTER_ERROR_MAX_CHARS = 2_000;

function deadLetter(m: Message<unknown>, error: string): DeadLetter {
  return {
    deadLetter: 1,
    messageId: m.id,
    attempts: m.attempts,
    error: error.slice(0, DEAD_LETTER_ERROR_MAX_CHARS),
    body: m.body,
  };
}

export async function handleIngestBatch(batch: MessageBatch<unknown>, env: EdgeEnv): Promise<void> {
  const valid: Message<unknown>[] = [];
  for (const msg of batch.messages) {
    if (isIngestMessage(msg.body)) valid.push(msg);
    else {
      // Malformed bodies can never succeed: straight to the dead-letter queue, not five retries.
      console.error("ingest: malformed message", { messageId: msg.id });
      await env.DEAD_LETTER_QUEUE.send(deadLetter(msg, "malformed ingest message"));
      msg.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await writeMessages(env, valid);
    for (const m of valid) m.ack();
    return;
  } catch (err) {
    // One bad message must not hold back the rest: write each on its own, retry only failures.
    console.warn("ingest: batch write failed, writing its messages one by one", {
      messageIds: valid.map((m) => m.id),
      error: describeError(err),
    });
  }
  for (const m of valid) {
    try {
      await writeMessages(env, [m]);
      m.ack();
    } catch (err) {
      await messageFailed(env, m, err);
    }
  }
}

/**
 * Logs a message's failure and retries it; its last attempt goes to the dead-letter queue with
 * the error. Why the consumer sends it there itself rather than letting Queues move it after
 * max_retries: Queues moves the bare body, so the reason would be lost. Recording each message's
 * last error in D1 for the dead-letter consumer to look up would fail exactly when it matters
 * (the failure is usually D1's own: a constraint, an outage) and would leave rows behind for
 * messages that later succeed. The error carried in the message needs only the queue. If that
 * send fails too, the message is retried once more and Queues moves it as is: nothing is lost,
 * the row says "failed after max retries", and the log below keeps the reason.
 */
async function messageFailed(env: EdgeEnv, m: Message<unknown>, err: unknown): Promise<void> {
  const error = describeError(err);
  const context = { siteId: (m.body as IngestMessage).siteId, messageId: m.id, attempts: m.attempts, error };
  console.error("ingest: message failed", context, err); // the error itself too: its stack
  if (m.attempts <= INGEST_MAX_RETRIES) {
    m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
    return;
  }
  try {
    await env.DEAD_LETTER_QUEUE.send(deadLetter(m, error));
    m.ack();
  } catch (sendError) {
    console.error("ingest: dead-letter send failed", { ...context, sendError: describeError(sendError) });
    m.retry();
  }
}

/** Dead-letter consumer: keeps what failed every retry in D1, with its reason, for inspection and replay. */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: EdgeEnv): Promise<void> {
  const receivedAt = Date.now();
  const rows = batch.messages.map((m) => ({
    id: m.id,
    receivedAt,
    body: m.body,
    error: isDeadLetter(m.body) ? m.body.error : "failed after max retries",
  }));
  try {
    await saveDeadLetters(env.DB, rows);
    batch.ackAll();
  } catch (err) {
    console.error("dead letters: write failed", {
      messageIds: rows.map((r) => r.id),
      error: describeError(err),
    });
    batch.retryAll();
  }
}
