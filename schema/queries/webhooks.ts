// D1 reads and writes for outbound webhooks (schema/learner-tables.ts): a site's endpoints, and
// deliveries. Creating a delivery is an INSERT that loses to an existing row with the same
// (endpoint, event, subject, period): that unique key is the "exactly once per learner and period".
import type { SiteDatabase } from "../databases";
import type { DeliveryStatus, WebhookEvent } from "../learner-tables";
import type { SiteScope } from "./scope";

export interface EndpointRow {
  id: string;
  url: string;
  events: WebhookEvent[];
  sealedSecret: string;
  createdAt: number;
}

const ENDPOINT_COLUMNS = "id, url, events, sealed_secret AS sealedSecret, created_at AS createdAt";
const endpointOf = (r: Omit<EndpointRow, "events"> & { events: string }): EndpointRow => ({
  ...r,
  events: JSON.parse(r.events) as WebhookEvent[],
});

export async function insertEndpoint(db: SiteDatabase, scope: SiteScope, row: EndpointRow): Promise<void> {
  await db
    .prepare(
      "INSERT INTO webhook_endpoints (site_id, id, url, events, sealed_secret, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(scope.siteId, row.id, row.url, JSON.stringify(row.events), row.sealedSecret, row.createdAt)
    .run();
}

export async function listEndpoints(db: SiteDatabase, scope: SiteScope): Promise<EndpointRow[]> {
  const { results } = await db
    .prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE site_id = ?1 ORDER BY created_at, id`)
    .bind(scope.siteId)
    .all<Omit<EndpointRow, "events"> & { events: string }>();
  return results.map(endpointOf);
}

/** Deletes an endpoint and its pending deliveries; false when there was no such endpoint. */
export async function deleteEndpoint(db: SiteDatabase, scope: SiteScope, id: string): Promise<boolean> {
  const [gone] = await db.batch([
    db.prepare("DELETE FROM webhook_endpoints WHERE site_id = ?1 AND id = ?2").bind(scope.siteId, id),
    db
      .prepare("DELETE FROM webhook_deliveries WHERE site_id = ?1 AND endpoint_id = ?2 AND status = 'pending'")
      .bind(scope.siteId, id),
  ]);
  return (gone!.meta.changes ?? 0) > 0;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
  event: WebhookEvent;
  subject: string;
  period: string;
  payload: string;
}

/** Creates the deliveries not made before (same endpoint, event, subject and period); returns how many were new. */
export async function createDeliveries(
  db: SiteDatabase,
  scope: SiteScope,
  rows: readonly NewDelivery[],
  now: number,
): Promise<number> {
  if (!rows.length) return 0;
  const results = await db.batch(
    rows.map((r) =>
      db
        .prepare(
          "INSERT INTO webhook_deliveries (id, site_id, endpoint_id, event, subject, period, payload, status, " +
            "attempts, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8) " +
            "ON CONFLICT DO NOTHING",
        )
        .bind(r.id, scope.siteId, r.endpointId, r.event, r.subject, r.period, r.payload, now),
    ),
  );
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

export interface DeliveryRow {
  id: string;
  siteId: string;
  endpointId: string;
  event: WebhookEvent;
  subject: string;
  period: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number;
  deliveredAt: number | null;
}

const DELIVERY_COLUMNS =
  "id, site_id AS siteId, endpoint_id AS endpointId, event, subject, period, payload, status, attempts, " +
  "last_status AS lastStatus, last_error AS lastError, next_attempt_at AS nextAttemptAt, delivered_at AS deliveredAt";

/** Pending deliveries due by `now` (all sites when `scope` is null), oldest first. */
export async function dueDeliveries(
  db: SiteDatabase,
  scope: SiteScope | null,
  now: number,
  limit: number,
): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ` +
        "AND (?2 IS NULL OR site_id = ?2) ORDER BY next_attempt_at, id LIMIT ?3",
    )
    .bind(now, scope?.siteId ?? null, limit)
    .all<DeliveryRow>();
  return results;
}

/**
 * Claims a due delivery for one attempt by pushing its next attempt to `leaseUntil`: of two
 * overlapping cron runs only one wins, so neither sends what the other is sending.
 */
export async function claimDelivery(
  db: SiteDatabase,
  row: Pick<DeliveryRow, "id" | "attempts">,
  leaseUntil: number,
  now: number,
): Promise<boolean> {
  const r = await db
    .prepare(
      "UPDATE webhook_deliveries SET next_attempt_at = ?3 WHERE id = ?1 AND attempts = ?2 " +
        "AND status = 'pending' AND next_attempt_at <= ?4",
    )
    .bind(row.id, row.attempts, leaseUntil, now)
    .run();
  return (r.meta.changes ?? 0) === 1;
}

/**
 * Records an attempt. Guarded by the attempt count read before it, so two overlapping runs that
 * both tried the same delivery record it once.
 */
export async function recordAttempt(
  db: SiteDatabase,
  row: Pick<DeliveryRow, "id" | "attempts">,
  result: { status: DeliveryStatus; httpStatus: number | null; error: string | null; nextAttemptAt: number },
  now: number,
): Promise<void> {
  await db
    .prepare(
      "UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?3, last_status = ?4, last_error = ?5, " +
        "next_attempt_at = ?6, delivered_at = CASE WHEN ?3 = 'delivered' THEN ?7 ELSE delivered_at END " +
        "WHERE id = ?1 AND attempts = ?2",
    )
    .bind(row.id, row.attempts, result.status, result.httpStatus, result.error, result.nextAttemptAt, now)
    .run();
}

/** A site's deliveries, newest first (for the API and the tests). */
export async function deliveriesOf(db: SiteDatabase, scope: SiteScope, limit: number): Promise<DeliveryRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE site_id = ?1 ORDER BY created_at DESC, id LIMIT ?2`,
    )
    .bind(scope.siteId, limit)
    .all<DeliveryRow>();
  return results;
}

/** Deliveries per endpoint and status. */
export async function deliveryCounts(db: SiteDatabase, scope: SiteScope) {
  const { results } = await db
    .prepare(
      "SELECT endpoint_id AS endpointId, status, count(*) AS n FROM webhook_deliveries WHERE site_id = ?1 " +
        "GROUP BY endpoint_id, status",
    )
    .bind(scope.siteId)
    .all<{ endpointId: string; status: DeliveryStatus; n: number }>();
  return results;
}
