// Raw-data listings, always scoped to one site, paged by a (time, id) keyset.
import { and, asc, eq, gt, gte, lt, or, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { EventType } from "../../core/event";
import { events, sessions } from "../tables";
import type { SiteScope } from "./scope";

export interface ListParams {
  from: number;
  to: number;
  limit: number;
  after?: { time: number; id: string };
}

export async function listEvents(d1: D1Database, scope: SiteScope, p: ListParams & { type?: EventType }) {
  const conditions: (SQL | undefined)[] = [
    eq(events.siteId, scope.siteId),
    gte(events.ts, p.from),
    lt(events.ts, p.to),
    p.type ? eq(events.type, p.type) : undefined,
    p.after ? or(gt(events.ts, p.after.time), and(eq(events.ts, p.after.time), gt(events.id, p.after.id))) : undefined,
  ];
  return drizzle(d1)
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(asc(events.ts), asc(events.id))
    .limit(p.limit);
}

export async function listSessions(d1: D1Database, scope: SiteScope, p: ListParams & { channel?: string }) {
  const conditions: (SQL | undefined)[] = [
    eq(sessions.siteId, scope.siteId),
    gte(sessions.startedAt, p.from),
    lt(sessions.startedAt, p.to),
    p.channel ? eq(sessions.channel, p.channel) : undefined,
    p.after
      ? or(gt(sessions.startedAt, p.after.time), and(eq(sessions.startedAt, p.after.time), gt(sessions.id, p.after.id)))
      : undefined,
  ];
  return drizzle(d1)
    .select()
    .from(sessions)
    .where(and(...conditions))
    .orderBy(asc(sessions.startedAt), asc(sessions.id))
    .limit(p.limit);
}
