// Runs statements built by the query modules (…Statements functions) as one D1 batch: one
// transaction, so callers can put an order's writes, or a request's counters, all-or-nothing.

export async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length > 0) await db.batch(statements);
}
