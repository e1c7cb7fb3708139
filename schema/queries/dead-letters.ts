// The dead-letter table: queue messages that could not be written, kept with the reason for
// inspection and replay. One statement per row in one batch; a redelivered dead letter is stored
// once (its queue message id is the key).
import type { ControlDatabase } from "../databases";

/** Bodies are cut to this many characters (a queue message is at most 128 KB). */
const BODY_MAX_CHARS = 90_000;

export interface DeadLetterRow {
  id: string;
  receivedAt: number;
  body: unknown;
  error: string;
}

export async function saveDeadLetters(db: ControlDatabase, rows: DeadLetterRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.batch(
    rows.map((r) =>
      db
        .prepare(
          "INSERT INTO dead_letters (id, received_at, body, error) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(r.id, r.receivedAt, JSON.stringify(r.body).slice(0, BODY_MAX_CHARS), r.error),
    ),
  );
}
