// Recommendation, ranking, propensity and model endpoints live in the recommend Worker. The edge
// authenticates (read scope) and forwards over the service binding, naming the site in a header
// the recommend Worker trusts because it is reachable only through this binding.
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireScope, siteScope } from "../lib/auth";
import type { AppBindings } from "../lib/env";

export const recommendProxyRoutes = new OpenAPIHono<AppBindings>();
export const SITE_HEADER = "x-wayfind-site";

// Reading recommendations and scores needs `read`; retraining and promoting models need `admin`.
const paths: [method: "GET" | "POST", path: string, scope: "read" | "admin"][] = [
  ["GET", "/api/v1/recommendations", "read"],
  ["GET", "/api/v1/items/:id/similar", "read"],
  ["POST", "/api/v1/rank", "read"],
  ["POST", "/api/v1/propensity", "read"],
  ["GET", "/api/v1/models", "read"],
  ["GET", "/api/v1/models/performance", "read"],
  ["GET", "/api/v1/models/health", "read"],
  ["POST", "/api/v1/models/retrain", "admin"],
  ["POST", "/api/v1/models/:id/promote", "admin"],
];

for (const [method, path, scope] of paths) {
  recommendProxyRoutes.on(method, path, requireScope(scope), async (c) => {
    const site = siteScope(c);
    const headers = new Headers(c.req.raw.headers);
    headers.delete("authorization");
    headers.set(SITE_HEADER, site.siteId);
    return c.env.RECOMMEND.fetch(new Request(c.req.url, { method: c.req.method, headers, body: c.req.raw.body }));
  });
}
