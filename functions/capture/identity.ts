// Visitor ids without cookies: SHA-256 of a daily salt, the site, the IP and the user agent, as
// Plausible does. The salt rotates every UTC day and old salts are deleted, so yesterday's ids
// cannot be recomputed and no IP is ever stored.
import { sha256Hex, randomToken } from "../lib/crypto";

const saltCache = new Map<string, string>();

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export async function dailySalt(db: D1Database, day: string): Promise<string> {
  const cached = saltCache.get(day);
  if (cached) return cached;
  // INSERT OR IGNORE then read back: concurrent isolates agree on the first salt written.
  await db.prepare("INSERT OR IGNORE INTO salts (day, salt) VALUES (?1, ?2)").bind(day, randomToken(32)).run();
  const row = await db.prepare("SELECT salt FROM salts WHERE day = ?1").bind(day).first<{ salt: string }>();
  const salt = row!.salt;
  if (saltCache.size > 4) saltCache.clear();
  saltCache.set(day, salt);
  return salt;
}

export async function cookielessVisitorId(salt: string, siteId: string, ip: string, userAgent: string) {
  return `h_${(await sha256Hex(`${salt}|${siteId}|${ip}|${userAgent}`)).slice(0, 24)}`;
}

/** A first-party id (snippet cookie mode, or a back end's own id) is hashed too: ids stay opaque. */
export async function firstPartyVisitorId(siteId: string, id: string) {
  return `f_${(await sha256Hex(`${siteId}|${id}`)).slice(0, 24)}`;
}

/** For server events that only name a user and whose visitor is not known yet. */
export async function userVisitorId(siteId: string, userId: string) {
  return `u_${(await sha256Hex(`${siteId}|user|${userId}`)).slice(0, 24)}`;
}
