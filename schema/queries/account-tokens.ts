// One-time links (invitations, password resets, bootstrap sign-in), found by the SHA-256 of their
// token. Using one is a single UPDATE that only one caller can win, so each works exactly once.
import type { ControlDatabase } from "../databases";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { accountTokens } from "../account-tables";
import type { SiteScope } from "./scope";

export const TOKEN_PURPOSES = ["invite", "reset", "sign_in"] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];
export type TokenRow = typeof accountTokens.$inferSelect;

export async function insertToken(
  d1: ControlDatabase,
  row: typeof accountTokens.$inferInsert & { purpose: TokenPurpose },
): Promise<void> {
  await drizzle(d1).insert(accountTokens).values(row);
}

const usable = (purpose: TokenPurpose, tokenHash: string, now: number) =>
  and(
    eq(accountTokens.purpose, purpose),
    eq(accountTokens.tokenHash, tokenHash),
    isNull(accountTokens.usedAt),
    gt(accountTokens.expiresAt, now),
  );

/** The unused, unexpired link with this hash, without using it (to validate the request first). */
export async function findUsableToken(d1: ControlDatabase, purpose: TokenPurpose, tokenHash: string, now: number) {
  const [row] = await drizzle(d1)
    .select()
    .from(accountTokens)
    .where(usable(purpose, tokenHash, now))
    .limit(1);
  return row;
}

/** Uses the link: returns its row to the one caller that wins, undefined to everyone else. */
export async function useToken(d1: ControlDatabase, purpose: TokenPurpose, tokenHash: string, now: number) {
  const [row] = await drizzle(d1)
    .update(accountTokens)
    .set({ usedAt: now })
    .where(usable(purpose, tokenHash, now))
    .returning();
  return row;
}

/** Voids a person's other unused links of one purpose (a used reset voids the older ones). */
export async function voidTokens(
  d1: ControlDatabase,
  purpose: TokenPurpose,
  email: string,
  now: number,
): Promise<void> {
  await drizzle(d1)
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.purpose, purpose), eq(accountTokens.email, email), isNull(accountTokens.usedAt)));
}

/** Pending invitations of a site, oldest first. */
export async function pendingInvitations(d1: ControlDatabase, scope: SiteScope, now: number) {
  return drizzle(d1)
    .select()
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.siteId, scope.siteId),
        eq(accountTokens.purpose, "invite"),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, now),
      ),
    )
    .orderBy(asc(accountTokens.createdAt));
}

/** A new invitation replaces the site's pending one for the same address. */
export async function voidInvitations(
  d1: ControlDatabase,
  scope: SiteScope,
  email: string,
  now: number,
): Promise<void> {
  await drizzle(d1)
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.siteId, scope.siteId),
        eq(accountTokens.purpose, "invite"),
        eq(accountTokens.email, email),
        isNull(accountTokens.usedAt),
      ),
    );
}

/** Withdraws one invitation; false when it is not a pending invitation of this site. */
export async function withdrawInvitation(d1: ControlDatabase, scope: SiteScope, id: string, now: number) {
  const rows = await drizzle(d1)
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.siteId, scope.siteId),
        eq(accountTokens.id, id),
        eq(accountTokens.purpose, "invite"),
        isNull(accountTokens.usedAt),
      ),
    )
    .returning({ id: accountTokens.id });
  return rows.length > 0;
}

/** Deletes a link (an invitation whose email could not be sent). */
export async function deleteToken(d1: ControlDatabase, id: string): Promise<void> {
  await drizzle(d1).delete(accountTokens).where(eq(accountTokens.id, id));
}
