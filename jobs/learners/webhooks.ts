// Outbound webhooks, signed as Standard Webhooks sign them (standardwebhooks.com): headers
// webhook-id (the delivery's id, the same on every retry), webhook-timestamp (seconds) and
// webhook-signature = "v1," + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)), where the
// secret is the base64 after "whsec_". The secret is sealed at rest (core/seal.ts), not hashed:
// signing needs the secret itself. Deliveries go only to the endpoint's stored URL (redirects are
// not followed), with a timeout per attempt and at most MAX_WEBHOOK_ATTEMPTS attempts.
import { readEachDatabase, siteDatabase } from "../../schema/databases";
import type { EdgeEnv } from "../../core/env";
import { describeError } from "../../core/errors";
import { internalHostProblem } from "../../core/internal-host";
import { seal, unseal } from "../../core/seal";
import type { DeliveryStatus } from "../../schema/learner-tables";
import type { SiteScope } from "../../schema/queries/scope";
import {
  claimDelivery,
  dueDeliveries,
  listEndpoints,
  recordAttempt,
  type DeliveryRow,
  type EndpointRow,
} from "../../schema/queries/webhooks";

export const MAX_WEBHOOK_ATTEMPTS = 5;
/** Per attempt: a receiver slower than this counts as a failure (and is retried). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** 15 minutes, then 30, 60, 120 between attempts. */
export const webhookRetryDelayMs = (attempts: number) => 15 * 60_000 * 2 ** (attempts - 1);
/** How long a claimed attempt keeps others off it (longer than the timeout). */
const LEASE_MS = 5 * 60_000;
const DUE_BATCH = 200;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Why a URL cannot receive webhooks, or null: https to a public host, or http(s) to this machine
 * by exactly those names (local development: the test mailbox). Checked when an endpoint is
 * created and again before every attempt (an endpoint stored before this rule still gets refused).
 */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Not a URL.";
  }
  if (url.username || url.password) return "Credentials in the URL are not allowed.";
  if ((url.protocol === "https:" || url.protocol === "http:") && LOCAL_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== "https:") return "Use https (http only for localhost and 127.0.0.1).";
  const internal = internalHostProblem(url.hostname);
  return internal && `${internal} Webhooks go to public hosts (or localhost and 127.0.0.1 for local development).`;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** A new signing secret: whsec_ and 32 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;

/** The webhook-signature header's value for one attempt. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    fromBase64(secret.replace(/^whsec_/, "")),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The key webhook secrets are sealed under; null when the Worker has none. */
export const webhookSealingKey = (env: Pick<EdgeEnv, "SIGNING_KEY" | "ADMIN_TOKEN">) =>
  env.SIGNING_KEY ?? env.ADMIN_TOKEN ?? null;
const context = (siteId: string, endpointId: string) => `webhook-endpoint|${siteId}|${endpointId}`;

export const sealWebhookSecret = (key: string, siteId: string, endpointId: string, secret: string) =>
  seal(key, context(siteId, endpointId), secret);

export type Fetcher = (request: Request) => Promise<Response>;

/** Failures per endpoint and run logged one by one; the rest are counted in one summary line. */
export const LOGGED_FAILURES_PER_ENDPOINT = 3;

/**
 * An attempt's failure in words an operator can act on. workerd hides why a fetch failed (an
 * unknown host, a refused connection) behind "internal error; reference = …": say what it means.
 */
export function webhookFailureCause(err: unknown): string {
  if (err instanceof Error && err.name === "TimeoutError") return `timed out after ${WEBHOOK_TIMEOUT_MS / 1000} s`;
  const described = describeError(err);
  if (/internal error; reference = /i.test(described)) return "network error (DNS or connection)";
  return described;
}

interface Outcome {
  /** null when delivered */
  error: string | null;
  attempts: number;
  status: DeliveryStatus;
}

async function attempt(
  env: EdgeEnv,
  delivery: DeliveryRow,
  endpoint: EndpointRow | undefined,
  now: number,
  fetcher: Fetcher,
): Promise<Outcome> {
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    if (!endpoint) throw new Error("The endpoint was deleted.");
    const problem = webhookUrlProblem(endpoint.url);
    if (problem) throw new Error(problem);
    const key = webhookSealingKey(env);
    const secret = key && (await unseal(key, context(delivery.siteId, endpoint.id), endpoint.sealedSecret));
    if (!secret) throw new Error("The endpoint's secret does not open: SIGNING_KEY changed? Recreate the endpoint.");
    // The moment of this attempt (receivers check it against their clock), not the cron's scheduled time.
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetcher(
      new Request(endpoint.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Wayfind-Webhooks/1",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": await signWebhook(secret, delivery.id, timestamp, delivery.payload),
        },
        body: delivery.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      }),
    );
    httpStatus = response.status;
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) error = `HTTP ${response.status}`;
  } catch (err) {
    error = webhookFailureCause(err);
  }
  const attempts = delivery.attempts + 1;
  const status = error === null ? "delivered" : attempts >= MAX_WEBHOOK_ATTEMPTS ? "dead" : "pending";
  await recordAttempt(
    siteDatabase(env, delivery.siteId),
    delivery,
    { status, httpStatus, error, nextAttemptAt: status === "pending" ? now + webhookRetryDelayMs(attempts) : now },
    now,
  );
  return { error, attempts, status };
}

/**
 * The run's failure log: one line per failed attempt (endpoint, delivery, cause, what happens next),
 * at most LOGGED_FAILURES_PER_ENDPOINT per endpoint, then one summary line per endpoint, so an
 * unreachable receiver costs a few lines per run, not one per learner.
 */
function failureLog() {
  const byEndpoint = new Map<string, { url: string; failed: number; lastError: string }>();
  return {
    failed(delivery: DeliveryRow, endpoint: EndpointRow | undefined, outcome: Outcome) {
      const error = outcome.error ?? "";
      const url = endpoint?.url ?? "(deleted endpoint)";
      const seen = byEndpoint.get(delivery.endpointId) ?? { url, failed: 0, lastError: error };
      seen.failed++;
      seen.lastError = error;
      byEndpoint.set(delivery.endpointId, seen);
      if (seen.failed > LOGGED_FAILURES_PER_ENDPOINT) return;
      const next =
        outcome.status === "dead"
          ? "no more retries (dead)"
          : `retried in ${webhookRetryDelayMs(outcome.attempts) / 60_000} min`;
      console.warn(
        `webhook attempt ${outcome.attempts}/${MAX_WEBHOOK_ATTEMPTS} to ${url} failed: ${error}; ${next} ` +
          `(site ${delivery.siteId}, delivery ${delivery.id})`,
      );
    },
    summary() {
      for (const [id, e] of byEndpoint) {
        const more = e.failed - LOGGED_FAILURES_PER_ENDPOINT;
        if (more <= 0) continue;
        console.warn(
          `webhook: ${more} more failed attempts to ${e.url} this run, not logged one by one ` +
            `(endpoint ${id}, ${e.failed} in all; last: ${e.lastError})`,
        );
      }
    },
  };
}

/** Attempts the deliveries due by `now` (one site's, or every site's); returns how many got through. */
export async function deliverDue(
  env: EdgeEnv,
  scope: SiteScope | null,
  now: number,
  fetcher: Fetcher = (r) => fetch(r),
): Promise<{ delivered: number; failed: number }> {
  // One site's deliveries come from its database; every site's from each database in turn.
  const due = scope
    ? await dueDeliveries(siteDatabase(env, scope.siteId), scope, now, DUE_BATCH)
    : await readEachDatabase(
        env,
        (db) => dueDeliveries(db, null, now, DUE_BATCH),
        (d) => d.siteId,
      );
  const endpoints = new Map<string, Map<string, EndpointRow>>();
  const counts = { delivered: 0, failed: 0 };
  const log = failureLog();
  for (const d of due) {
    let mine = endpoints.get(d.siteId);
    if (!mine) {
      mine = new Map((await listEndpoints(siteDatabase(env, d.siteId), { siteId: d.siteId })).map((e) => [e.id, e]));
      endpoints.set(d.siteId, mine);
    }
    if (!(await claimDelivery(siteDatabase(env, d.siteId), d, now + LEASE_MS, now))) continue;
    const endpoint = mine.get(d.endpointId);
    const outcome = await attempt(env, d, endpoint, now, fetcher);
    if (outcome.error === null) counts.delivered++;
    else {
      counts.failed++;
      log.failed(d, endpoint, outcome);
    }
  }
  log.summary();
  return counts;
}
