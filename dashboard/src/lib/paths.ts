/** A `next` location is only ever a path on this site ("/x?y"), never "//host" or "https://…". */
export function safeNext(next: string | undefined, fallback = "/"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  return next;
}
