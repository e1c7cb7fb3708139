// How an error reads where an operator looks for it (logs, a dead-letter row): its name and
// message, then each cause's, so a wrapped D1 failure still shows the SQL error it came from.

/** Causes followed at most this deep (a cyclic or runaway chain must not loop). */
const MAX_CAUSES = 5;

export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth <= MAX_CAUSES; depth++) {
    const text = current instanceof Error ? `${current.name}: ${current.message}` : String(current);
    if (!parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" <- caused by ");
}
