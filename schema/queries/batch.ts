// Runs statements built by the query modules (…Statements functions) as one D1 batch: one
// transaction, so a caller that collects several modules' statements (the queue consumer's events,
// sessions and identities; an order's commission writes; a request's counters) writes all or none.

import type { SiteDatabase } from "../databases";

/** Every batch writes site-scoped tables, so it runs on the site's database (the statements' own). */
export async function runBatch(db: SiteDatabase, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length > 0) await db.batch(statements);
}
