// Course pages as item views: a site's item path pattern ("/courses/:id") names the course a page
// view or its engaged time is about, so sites that only embed the snippet feed the recommenders.

/** A path starting with "/", holding ":id" exactly once, and no query or fragment. */
export function isItemPathPattern(pattern: string): boolean {
  return /^\/[^\s?#]*$/.test(pattern) && pattern.split(":id").length === 2;
}

/** The pattern as an anchored expression; ":id" matches one path segment, a trailing slash is optional. */
export function compileItemPath(pattern: string): RegExp {
  const [before, after] = pattern.split(":id") as [string, string];
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escape(before)}([^/?#]+)${escape(after.replace(/\/$/, ""))}/?$`);
}

/** The item id in a path, or null. */
export function itemFromPath(itemPath: RegExp, path: string): string | null {
  const match = itemPath.exec(path);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}
