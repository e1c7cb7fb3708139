// Recipient lists as people type them (commas, spaces, semicolons or one per line) and back.
export const parseRecipients = (text: string): string[] =>
  text
    .split(/[\s,;，；]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export const joinRecipients = (list: readonly string[]): string => list.join(", ");
