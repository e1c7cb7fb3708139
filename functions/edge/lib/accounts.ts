// People's sign-in on the edge: sessions (sliding expiry under an absolute cap), the login throttle,
// one-time links, and turning a session cookie or a share link into the request's AuthContext.
import type { Context } from "hono";
import { randomToken, sha256Hex } from "../../../core/hash";
import { SHARE_PAGES, type SharePage } from "../../../core/roles";
import { DAY_MS } from "../../../core/time";
import { insertToken, type TokenPurpose } from "../../../schema/queries/account-tokens";
import {
  clearFailures,
  extendSession,
  insertSession,
  liveSession,
  pruneExpired,
  recordFailure,
  throttleState,
} from "../../../schema/queries/auth-sessions";
import { liveShareLink } from "../../../schema/queries/share-links";
import { ApiError } from "../../shared/errors";
import type { AppBindings, AuthContext } from "../env";
import { clientIp } from "./request";
import { setSessionCookie } from "./web-session";

/** A session lasts 30 days past its last use, and never more than 90 days after sign-in. */
export const SESSION_IDLE_MS = 30 * DAY_MS;
export const SESSION_MAX_MS = 90 * DAY_MS;
/** The sliding expiry is written at most once a day, not on every request. */
const SESSION_EXTEND_EVERY_MS = DAY_MS;

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const ACCOUNT_FAILURE_LIMIT = 5;
export const CLIENT_FAILURE_LIMIT = 20;

export const SHARE_TOKEN_PREFIX = "wf_sh_";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Starts a session for the user and sets its cookie. */
export async function startSession(c: Context<AppBindings>, userId: string): Promise<void> {
  const now = Date.now();
  const token = randomToken(43);
  const absoluteExpiresAt = now + SESSION_MAX_MS;
  await insertSession(c.env.DB, {
    id: `ses_${randomToken(16)}`,
    userId,
    tokenHash: await sha256Hex(token),
    createdAt: now,
    expiresAt: now + SESSION_IDLE_MS,
    absoluteExpiresAt,
    userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
  });
  setSessionCookie(c, token, absoluteExpiresAt);
}

/** The signed-in user behind a session cookie, or 401; slides the expiry forward with use. */
export async function sessionAuth(c: Context<AppBindings>, token: string): Promise<AuthContext> {
  const now = Date.now();
  const session = await liveSession(c.env.DB, await sha256Hex(token), now);
  if (!session) throw new ApiError(401, "unauthorized", "The session expired or was signed out. Sign in again.");
  const slid = Math.min(now + SESSION_IDLE_MS, session.absoluteExpiresAt);
  if (slid - session.expiresAt >= SESSION_EXTEND_EVERY_MS) await extendSession(c.env.DB, session.id, slid);
  return { kind: "user", userId: session.userId, sessionId: session.id, memberships: session.memberships };
}

/** A share link's read-only access to its site, or 401 when it is unknown, revoked or expired. */
export async function shareAuth(c: Context<AppBindings>, token: string): Promise<AuthContext> {
  const link = await liveShareLink(c.env.DB, await sha256Hex(token), Date.now());
  if (!link) throw new ApiError(401, "unauthorized", "The share link is unknown, revoked or expired.");
  const pages: SharePage[] = link.pages ?? [...SHARE_PAGES];
  return { kind: "share", linkId: link.id, siteId: link.siteId, pages };
}

async function throttleKeys(c: Context<AppBindings>, email: string) {
  // The client's IP is kept only as a keyed hash, and only for the throttle window.
  const pepper = c.env.SIGNING_KEY ?? c.env.ADMIN_TOKEN ?? "";
  return {
    account: `a:${await sha256Hex(`login|${email}`)}`,
    client: `c:${await sha256Hex(`${pepper}|login|${clientIp(c.req.raw)}`)}`,
  };
}

/** Seconds until a sign-in may be tried again, when this account or client failed too often. */
export async function loginRetryAfter(c: Context<AppBindings>, email: string): Promise<number | null> {
  const now = Date.now();
  const keys = await throttleKeys(c, email);
  const state = await throttleState(c.env.DB, [keys.account, keys.client], now, LOGIN_WINDOW_MS);
  const blocked = [
    [state.get(keys.account), ACCOUNT_FAILURE_LIMIT],
    [state.get(keys.client), CLIENT_FAILURE_LIMIT],
  ] as const;
  let until = 0;
  for (const [s, limit] of blocked)
    if (s && s.failures >= limit) until = Math.max(until, s.windowStart + LOGIN_WINDOW_MS);
  return until > now ? Math.ceil((until - now) / 1000) : null;
}

export async function loginFailed(c: Context<AppBindings>, email: string): Promise<void> {
  const keys = await throttleKeys(c, email);
  await recordFailure(c.env.DB, [keys.account, keys.client], Date.now(), LOGIN_WINDOW_MS);
}

/** After a good password the account's count starts over (the client's does not). */
export async function loginSucceeded(c: Context<AppBindings>, email: string): Promise<void> {
  const keys = await throttleKeys(c, email);
  await clearFailures(c.env.DB, keys.account);
  await pruneExpired(c.env.DB, Date.now(), LOGIN_WINDOW_MS);
}

/** At most this many reset emails per account per window, so the form cannot flood a mailbox. */
export const RESET_EMAIL_LIMIT = 5;

/** Counts a reset email for the address; false once the window's allowance is spent. */
export async function resetAllowed(c: Context<AppBindings>, email: string): Promise<boolean> {
  const now = Date.now();
  const key = `r:${await sha256Hex(`reset|${email}`)}`;
  const state = await throttleState(c.env.DB, [key], now, LOGIN_WINDOW_MS);
  if ((state.get(key)?.failures ?? 0) >= RESET_EMAIL_LIMIT) return false;
  await recordFailure(c.env.DB, [key], now, LOGIN_WINDOW_MS);
  return true;
}

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  invite: 7 * DAY_MS,
  reset: 60 * 60_000,
  sign_in: DAY_MS,
};

/** A new one-time link's token (shown once, in an email or to the admin); only its hash is stored. */
export async function issueToken(
  c: Context<AppBindings>,
  t: {
    purpose: TokenPurpose;
    email: string;
    userId?: string | null;
    siteId?: string | null;
    role?: string | null;
    partnerId?: string | null;
    createdBy?: string | null;
  },
) {
  const token = randomToken(43);
  const now = Date.now();
  const row = {
    id: `tok_${randomToken(16)}`,
    tokenHash: await sha256Hex(token),
    createdAt: now,
    expiresAt: now + TOKEN_TTL_MS[t.purpose],
    ...t,
  };
  await insertToken(c.env.DB, row);
  return { token, id: row.id, expiresAt: row.expiresAt };
}
