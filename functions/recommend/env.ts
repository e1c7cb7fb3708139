// The recommend Worker's bindings and the site it acts for. It is reachable only through the edge
// Worker's service binding, which authenticates the caller and names the site in x-wayfind-site.
import type { Context } from "hono";
import type { RecommendEnv } from "../../core/env";
import { ApiError } from "../shared/errors";
import { SITE_HEADER } from "../shared/recommend-api";

export type { RecommendEnv };
export { SITE_HEADER };
export type RecommendBindings = { Bindings: RecommendEnv };

export function siteOf(c: Context<RecommendBindings>): string {
  const site = c.req.header(SITE_HEADER);
  if (!site) throw new ApiError(401, "unauthorized", "Call the recommendation API through the Wayfind edge Worker.");
  return site;
}
