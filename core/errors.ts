// How an error reads where an operator looks for it (logs, a dead-letter row): its name and
// message, then each cause's, so a wrapped D1 failure still shows the SQL error it came from.

/** Causes followed at most this deep (a cyclic or runaway chain must not loop). */
const MAX_CAUSES = 5;

export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth <= MAX_CAUSES; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    // A cause that only repeats its wrapper's words (D1's error wraps SQLite's) adds nothing.
    if (!parts.some((p) => p.includes(message))) {
      parts.push(current instanceof Error ? `${current.name}: ${message}` : message);
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" <- caused by ");
}
