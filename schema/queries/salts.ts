// The daily salt behind cookieless visitor ids (core/hash.ts cookielessVisitorId).
import type { ControlDatabase } from "../databases";
import { randomToken } from "../../core/hash";

const saltCache = new Map<string, string>();

export async function dailySalt(db: ControlDatabase, day: string): Promise<string> {
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
