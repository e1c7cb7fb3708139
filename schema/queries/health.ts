// The health check's probe: D1 answers a trivial query.

export async function databaseAnswers(db: D1Database): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS ok").first<{ ok: number }>();
  return row?.ok === 1;
}
