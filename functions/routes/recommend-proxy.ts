// Recommendation, ranking, propensity and model endpoints live in the recommend Worker. The edge
// authenticates (read scope) and forwards over the service binding, naming the site in a header
// the recommend Worker trusts because it is reachable only through this binding.
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireScope, siteScope } from "../lib/auth";
import type { AppBindings } from "../lib/env";

export const recommendProxyRoutes = new OpenAPIHono<AppBindings>();
export const SITE_HEADER = "x-wayfind-site";

const paths = [
  "/api/v1/recommendations",
  "/api/v1/recommendations/*",
  "/api/v1/rank",
  "/api/v1/propensity",
  "/api/v1/models",
  "/api/v1/models/*",
];

for (const path of paths) {
  recommendProxyRoutes.all(path, requireScope("read"), async (c) => {
    const scope = siteScope(c);
    const headers = new Headers(c.req.raw.headers);
    headers.delete("authorization");
    headers.set(SITE_HEADER, scope.siteId);
    return c.env.RECOMMEND.fetch(new Request(c.req.url, { method: c.req.method, headers, body: c.req.raw.body }));
  });
}
