// User accounts and their roles per site. Member queries take the SiteScope first, like every tenant
// query; the owner guards are single statements, so two owners demoting each other at once cannot
// leave a site without one.
import type { ControlDatabase } from "../databases";
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Membership, Role } from "../../core/roles";
import { siteMembers, users } from "../account-tables";
import { sites } from "../tables";
import type { SiteScope } from "./scope";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(d1: ControlDatabase, email: string): Promise<UserRow | undefined> {
  const [row] = await drizzle(d1).select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

export async function getUser(d1: ControlDatabase, id: string): Promise<UserRow | undefined> {
  const [row] = await drizzle(d1).select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/** Inserts the user unless the email exists; returns the stored row either way. */
export async function ensureUser(d1: ControlDatabase, row: typeof users.$inferInsert): Promise<UserRow> {
  await drizzle(d1).insert(users).values(row).onConflictDoNothing({ target: users.email });
  return (await findUserByEmail(d1, row.email))!;
}

export async function setPassword(d1: ControlDatabase, userId: string, hash: string, now: number): Promise<void> {
  await drizzle(d1).update(users).set({ passwordHash: hash, updatedAt: now }).where(eq(users.id, userId));
}

export async function membershipsOf(d1: ControlDatabase, userId: string): Promise<Membership[]> {
  const rows = await drizzle(d1)
    .select({ siteId: siteMembers.siteId, role: siteMembers.role, partnerId: siteMembers.partnerId })
    .from(siteMembers)
    .where(eq(siteMembers.userId, userId))
    .orderBy(asc(siteMembers.createdAt));
  return rows.map((r) => ({ ...r, role: r.role as Role }));
}

/** The sites a person belongs to, with names, for "who am I". */
export async function memberSites(d1: ControlDatabase, userId: string) {
  return drizzle(d1)
    .select({
      siteId: siteMembers.siteId,
      name: sites.name,
      domain: sites.domain,
      role: siteMembers.role,
      partnerId: siteMembers.partnerId,
    })
    .from(siteMembers)
    .innerJoin(sites, eq(sites.id, siteMembers.siteId))
    .where(eq(siteMembers.userId, userId))
    .orderBy(asc(siteMembers.createdAt));
}

export async function listMembers(d1: ControlDatabase, scope: SiteScope) {
  return drizzle(d1)
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: siteMembers.role,
      partnerId: siteMembers.partnerId,
      createdAt: siteMembers.createdAt,
    })
    .from(siteMembers)
    .innerJoin(users, eq(users.id, siteMembers.userId))
    .where(eq(siteMembers.siteId, scope.siteId))
    .orderBy(asc(siteMembers.createdAt));
}

export async function getMember(d1: ControlDatabase, scope: SiteScope, userId: string) {
  const [row] = await drizzle(d1)
    .select()
    .from(siteMembers)
    .where(and(eq(siteMembers.siteId, scope.siteId), eq(siteMembers.userId, userId)))
    .limit(1);
  return row;
}

/**
 * Adds the person to the site, or changes their role if they already belong, unless that would
 * demote the site's last owner. Returns false in that case.
 */
export async function putMember(
  d1: ControlDatabase,
  scope: SiteScope,
  m: { userId: string; role: Role; partnerId: string | null },
  now: number,
): Promise<boolean> {
  const result = await d1
    .prepare(
      "INSERT INTO site_members (site_id, user_id, role, partner_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5) " +
        "ON CONFLICT (site_id, user_id) DO UPDATE SET role = excluded.role, partner_id = excluded.partner_id " +
        `WHERE ${NOT_LAST_OWNER}`,
    )
    .bind(scope.siteId, m.userId, m.role, m.partnerId, now)
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/** Another owner remains after site_members' row (?1, ?2) stops being one. */
const NOT_LAST_OWNER =
  "(site_members.role != 'owner' OR ?3 = 'owner' OR " +
  "(SELECT count(*) FROM site_members o WHERE o.site_id = ?1 AND o.role = 'owner' AND o.user_id != ?2) > 0)";

/** Changes an existing member's role; "last_owner" when it would leave the site without an owner. */
export async function changeRole(
  d1: ControlDatabase,
  scope: SiteScope,
  userId: string,
  role: Role,
  partnerId: string | null,
): Promise<"changed" | "missing" | "last_owner"> {
  const result = await d1
    .prepare(
      "UPDATE site_members SET role = ?3, partner_id = ?4 WHERE site_id = ?1 AND user_id = ?2 AND " + NOT_LAST_OWNER,
    )
    .bind(scope.siteId, userId, role, partnerId)
    .run();
  if ((result.meta.changes ?? 0) > 0) return "changed";
  return (await getMember(d1, scope, userId)) ? "last_owner" : "missing";
}

/** Removes a member; "last_owner" when they are the site's only owner. */
export async function removeMember(
  d1: ControlDatabase,
  scope: SiteScope,
  userId: string,
): Promise<"removed" | "missing" | "last_owner"> {
  const result = await d1
    .prepare(
      "DELETE FROM site_members WHERE site_id = ?1 AND user_id = ?2 AND (role != 'owner' OR " +
        "(SELECT count(*) FROM site_members o WHERE o.site_id = ?1 AND o.role = 'owner' AND o.user_id != ?2) > 0)",
    )
    .bind(scope.siteId, userId)
    .run();
  if ((result.meta.changes ?? 0) > 0) return "removed";
  return (await getMember(d1, scope, userId)) ? "last_owner" : "missing";
}
