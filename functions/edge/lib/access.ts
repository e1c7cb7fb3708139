// Who may do what, for people (roles per site) and share links (pages). Pure: the auth middleware
// asks `rolePermits` and `sharePermits` with the scope a route requires and the request's path.
//
// Routes name the scope they need (ingest, read, admin) as they do for API keys. A role maps onto
// those scopes: viewer and analyst read, admin and owner hold every scope, and only owners manage
// members. Two endpoint groups are an analyst's to write: report subscriptions and alert rules.
import type { Permission, Role, SharePage } from "../../../core/roles";

/** Endpoint groups: the share pages, the analyst's settings, and the site itself. */
export type EndpointGroup = SharePage | "reports" | "alerts" | "site";

// First match wins: `/items/{id}/similar` belongs to recommendations, other `/items` to courses.
const GROUPS: [RegExp, EndpointGroup][] = [
  [/^\/api\/v1\/sites(\/[^/]+)?$/, "site"],
  [/^\/api\/v1\/reports\/overview$/, "overview"],
  [/^\/api\/v1\/reports\/(roi|budget)$/, "roi"],
  [/^\/api\/v1\/(sessions|events)$/, "traffic"],
  [/^\/api\/v1\/query$/, "traffic"],
  [/^\/api\/v1\/(recommendations|models(\/.*)?|items\/[^/]+\/similar)$/, "recommendations"],
  [/^\/api\/v1\/items(\/[^/]+)?$/, "courses"],
  [/^\/api\/v1\/(items\/[^/]+\/lessons|courses(\/[^/]+)?)$/, "courses"],
  [/^\/api\/v1\/(partners|commissions|payouts|partner-program|commission-rules)(\/.*)?$/, "partners"],
  [/^\/api\/v1\/report-subscriptions(\/.*)?$/, "reports"],
  [/^\/api\/v1\/alert-rules(\/.*)?$/, "alerts"],
];

export function endpointGroup(pathname: string): EndpointGroup | null {
  for (const [pattern, group] of GROUPS) if (pattern.test(pathname)) return group;
  return null;
}

const ANALYST_WRITES: ReadonlySet<EndpointGroup> = new Set(["reports", "alerts"]);

/** Whether `role` in a site may use a route needing `need`, at `pathname`. */
export function rolePermits(role: Role, need: Permission, pathname: string): boolean {
  switch (role) {
    case "partner":
      return false;
    case "owner":
      return need !== "admin-token";
    case "admin":
      return need === "read" || need === "ingest" || need === "admin";
    case "analyst": {
      const group = endpointGroup(pathname);
      return need === "read" || (need === "admin" && group !== null && ANALYST_WRITES.has(group));
    }
    case "viewer":
      return need === "read";
  }
}

/**
 * Reads that take a JSON body: POST, but they change nothing (the query API). A share link may ask
 * them like a GET, so a shared Acquisition view can filter and drill down.
 */
const READ_POSTS: ReadonlySet<string> = new Set(["/api/v1/query"]);

/** A share link reads (GET, or a read POST) its allowed pages and the site's own record; nothing else. */
export function sharePermits(pages: readonly SharePage[], need: Permission, method: string, pathname: string) {
  const reads = method === "GET" || method === "HEAD" || (method === "POST" && READ_POSTS.has(pathname));
  if (need !== "read" || !reads) return false;
  const group = endpointGroup(pathname);
  return group === "site" || (group !== null && (pages as readonly string[]).includes(group));
}
