// Raw-data listings, always scoped to one site, paged by a (time, id) keyset in either direction.
import type { SiteDatabase } from "../databases";
import { and, asc, desc, eq, gt, gte, lt, or, type SQL, type SQLWrapper } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { EventType } from "../../core/event";
import { events, sessions } from "../tables";
import type { SiteScope } from "./scope";

export interface ListParams {
  from: number;
  to: number;
  limit: number;
  /** asc: oldest first (the default); desc: newest first. */
  order?: "asc" | "desc";
  after?: { time: number; id: string };
}

/** The rows after the cursor in the listing's direction, and the matching ORDER BY. */
function keyset(time: SQLWrapper, id: SQLWrapper, p: ListParams): { after?: SQL; orderBy: SQL[] } {
  const down = p.order === "desc";
  const beyond = down ? lt : gt;
  const after = p.after
    ? or(beyond(time, p.after.time), and(eq(time, p.after.time), beyond(id, p.after.id)))
    : undefined;
  return { after, orderBy: down ? [desc(time), desc(id)] : [asc(time), asc(id)] };
}

export async function listEvents(d1: SiteDatabase, scope: SiteScope, p: ListParams & { type?: EventType }) {
  const page = keyset(events.ts, events.id, p);
  const conditions: (SQL | undefined)[] = [
    eq(events.siteId, scope.siteId),
    gte(events.ts, p.from),
    lt(events.ts, p.to),
    p.type ? eq(events.type, p.type) : undefined,
    page.after,
  ];
  return drizzle(d1)
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(p.limit);
}

export async function listSessions(d1: SiteDatabase, scope: SiteScope, p: ListParams & { channel?: string }) {
  const page = keyset(sessions.startedAt, sessions.id, p);
  const conditions: (SQL | undefined)[] = [
    eq(sessions.siteId, scope.siteId),
    gte(sessions.startedAt, p.from),
    lt(sessions.startedAt, p.to),
    p.channel ? eq(sessions.channel, p.channel) : undefined,
    page.after,
  ];
  return drizzle(d1)
    .select()
    .from(sessions)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(p.limit);
}
