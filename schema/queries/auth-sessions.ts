// Sign-in sessions (found by the SHA-256 of the cookie's token) and the login throttle.
import type { ControlDatabase } from "../databases";
import { eq, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Membership, Role } from "../../core/roles";
import { accountTokens, authSessions, loginThrottle } from "../account-tables";

export type SessionRow = typeof authSessions.$inferSelect;

export async function insertSession(d1: ControlDatabase, row: typeof authSessions.$inferInsert): Promise<void> {
  await drizzle(d1).insert(authSessions).values(row);
}

export interface LiveSession {
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  memberships: Membership[];
}

/** The unexpired session with this token hash and its user's roles, in one round trip. */
export async function liveSession(d1: ControlDatabase, tokenHash: string, now: number): Promise<LiveSession | null> {
  const [sessions, members] = await d1.batch<Record<string, unknown>>([
    d1
      .prepare(
        "SELECT id, user_id, created_at, expires_at, absolute_expires_at FROM auth_sessions " +
          "WHERE token_hash = ?1 AND expires_at > ?2",
      )
      .bind(tokenHash, now),
    d1
      .prepare(
        "SELECT m.site_id, m.role, m.partner_id FROM site_members m JOIN auth_sessions s ON s.user_id = m.user_id " +
          "WHERE s.token_hash = ?1 AND s.expires_at > ?2 ORDER BY m.created_at",
      )
      .bind(tokenHash, now),
  ]);
  const s = sessions!.results[0];
  if (!s) return null;
  return {
    id: String(s.id),
    userId: String(s.user_id),
    createdAt: Number(s.created_at),
    expiresAt: Number(s.expires_at),
    absoluteExpiresAt: Number(s.absolute_expires_at),
    memberships: members!.results.map((m) => ({
      siteId: String(m.site_id),
      role: m.role as Role,
      partnerId: m.partner_id === null ? null : String(m.partner_id),
    })),
  };
}

export async function extendSession(d1: ControlDatabase, id: string, expiresAt: number): Promise<void> {
  await drizzle(d1).update(authSessions).set({ expiresAt }).where(eq(authSessions.id, id));
}

export async function deleteSession(d1: ControlDatabase, tokenHash: string): Promise<void> {
  await drizzle(d1).delete(authSessions).where(eq(authSessions.tokenHash, tokenHash));
}

/** Signs the user out everywhere (sign-out-all, password reset). */
export async function deleteUserSessions(d1: ControlDatabase, userId: string): Promise<number> {
  const rows = await drizzle(d1)
    .delete(authSessions)
    .where(eq(authSessions.userId, userId))
    .returning({ id: authSessions.id });
  return rows.length;
}

/** Drops expired sessions, one-time links and throttle windows (run on sign-in; each is indexed). */
export async function pruneExpired(d1: ControlDatabase, now: number, throttleWindowMs: number): Promise<void> {
  const db = drizzle(d1);
  await db.batch([
    db.delete(authSessions).where(lt(authSessions.expiresAt, now)),
    db.delete(accountTokens).where(lt(accountTokens.expiresAt, now)),
    db.delete(loginThrottle).where(lt(loginThrottle.windowStart, now - throttleWindowMs)),
  ]);
}

/** Failures counted for each key in its current window (0 when none or the window passed). */
export async function throttleState(
  d1: ControlDatabase,
  keys: string[],
  now: number,
  windowMs: number,
): Promise<Map<string, { failures: number; windowStart: number }>> {
  const rows = await d1
    .prepare(
      "SELECT key, window_start, failures FROM login_throttle WHERE key IN (SELECT value FROM json_each(?1)) " +
        "AND window_start > ?2",
    )
    .bind(JSON.stringify(keys), now - windowMs)
    .all<{ key: string; window_start: number; failures: number }>();
  return new Map(rows.results.map((r) => [r.key, { failures: r.failures, windowStart: r.window_start }]));
}

/** Counts one failure for each key: a window older than `windowMs` starts over at 1. */
export async function recordFailure(d1: ControlDatabase, keys: string[], now: number, windowMs: number): Promise<void> {
  await d1.batch(
    keys.map((key) =>
      d1
        .prepare(
          "INSERT INTO login_throttle (key, window_start, failures) VALUES (?1, ?2, 1) ON CONFLICT (key) DO UPDATE SET " +
            "failures = CASE WHEN window_start <= ?2 - ?3 THEN 1 ELSE failures + 1 END, " +
            "window_start = CASE WHEN window_start <= ?2 - ?3 THEN ?2 ELSE window_start END",
        )
        .bind(key, now, windowMs),
    ),
  );
}

export async function clearFailures(d1: ControlDatabase, key: string): Promise<void> {
  await drizzle(d1).delete(loginThrottle).where(eq(loginThrottle.key, key));
}
