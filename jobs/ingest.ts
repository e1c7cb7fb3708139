// Queue consumer: writes accepted events to D1. One D1 batch (one transaction) per site per queue
// batch; event ids dedupe retries; a message that fails on its own is retried with backoff and,
// after max_retries (wrangler.toml), lands in the dead-letter queue. Nothing accepted is lost,
// nothing is written twice. Purchases and refunds then settle partner commissions.
import type { EnrichedEvent } from "../core/event";
import { userVisitorId } from "../core/hash";
import type { EdgeEnv } from "../core/env";
import { type IngestMessage, isIngestMessage } from "../core/queue";
import {
  botHitsStatements,
  existingEventIds,
  identitiesFor,
  insertEventsStatements,
  insertIdentitiesStatements,
  recentSessions,
  supersedeBrowserPurchasesStatements,
  upsertSessionsStatements,
} from "../schema/queries/ingest";
import type { SiteScope } from "../schema/queries/scope";
import { settleOrders } from "./commissions";
import { SESSION_TIMEOUT_MS, sessionize } from "./sessionize";

/** Writes one site's events (any number of messages' worth) in a single D1 transaction. */
export async function writeSiteEvents(
  db: D1Database,
  scope: SiteScope,
  incoming: EnrichedEvent[],
  bots: Record<string, Record<string, number>> = {},
): Promise<{ written: number; duplicates: number }> {
  const firstById = new Map<string, EnrichedEvent>();
  for (const e of incoming) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const stored = await existingEventIds(db, scope, [...firstById.keys()]);
  const fresh = [...firstById.values()].filter((e) => !stored.has(e.id));

  const statements: D1PreparedStatement[] = [];
  for (const [day, counts] of Object.entries(bots)) statements.push(...botHitsStatements(db, scope, day, counts));

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
  if (statements.length > 0) await db.batch(statements);
  return { written: fresh.length, duplicates: firstById.size - fresh.length + (incoming.length - firstById.size) };
}

/** Retry delay grows with attempts: 2, 4, 8, 16, 32 s. */
export const retryDelaySeconds = (attempts: number) => Math.min(2 ** attempts, 300);

async function writeMessages(db: D1Database, messages: IngestMessage[]): Promise<void> {
  const bySite = new Map<string, { events: EnrichedEvent[]; bots: Record<string, Record<string, number>> }>();
  for (const m of messages) {
    const entry = bySite.get(m.siteId) ?? { events: [], bots: {} };
    entry.events.push(...m.events);
    for (const [day, counts] of Object.entries(m.bots ?? {})) {
      const dayCounts = (entry.bots[day] ??= {});
      for (const [agent, n] of Object.entries(counts)) dayCounts[agent] = (dayCounts[agent] ?? 0) + n;
    }
    bySite.set(m.siteId, entry);
  }
  for (const [siteId, { events, bots }] of bySite) {
    await writeSiteEvents(db, { siteId }, events, bots);
    // Orders of every incoming purchase and refund, stored now or before (a retry after a failed
    // settlement finds its events already stored): settling is idempotent.
    const orders = events.filter((e) => (e.type === "purchase" || e.type === "refund") && e.orderId);
    await settleOrders(
      db,
      { siteId },
      orders.map((e) => e.orderId!),
      Date.now(),
    );
  }
}

export async function handleIngestBatch(batch: MessageBatch<unknown>, env: EdgeEnv): Promise<void> {
  const valid: Message<unknown>[] = [];
  for (const msg of batch.messages) {
    if (isIngestMessage(msg.body)) valid.push(msg);
    else {
      // Malformed bodies can never succeed: straight to the dead-letter queue, not five retries.
      await env.DEAD_LETTER_QUEUE.send({ body: msg.body, error: "malformed ingest message", id: msg.id });
      msg.ack();
    }
  }
  if (valid.length === 0) return;
  try {
    await writeMessages(
      env.DB,
      valid.map((m) => m.body as IngestMessage),
    );
    for (const m of valid) m.ack();
  } catch {
    // One bad message must not hold back the rest: write each on its own, retry only failures.
    for (const m of valid) {
      try {
        await writeMessages(env.DB, [m.body as IngestMessage]);
        m.ack();
      } catch {
        m.retry({ delaySeconds: retryDelaySeconds(m.attempts) });
      }
    }
  }
}

/** Dead-letter consumer: keeps what failed every retry in D1, for inspection and replay. */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: EdgeEnv): Promise<void> {
  const statements = batch.messages.map((m) => {
    const body = m.body as { error?: string } | null;
    return env.DB.prepare(
      "INSERT INTO dead_letters (id, received_at, body, error) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
    ).bind(m.id, Date.now(), JSON.stringify(m.body).slice(0, 90_000), body?.error ?? "failed after max retries");
  });
  await env.DB.batch(statements);
  batch.ackAll();
}
