// Analyses the API answers to a POST (funnels, retention, journeys, attribution): they read, but
// take a JSON body. SWR caches them like GETs, keyed by the path, the site and the body, so the same
// question asked twice is asked once and a filter change re-asks it.
import { useContext } from "preact/hooks";
import useSWR, { type SWRConfiguration } from "swr";
import { ApiContext, SiteContext } from "../context";
import type { ApiError } from "./client";

/** POST `body` to `path` for the current site (null body: not yet). */
export function useSiteAnalysis<T>(path: string, body: unknown, options?: SWRConfiguration<T, ApiError>) {
  const api = useContext(ApiContext);
  const { siteId } = useContext(SiteContext);
  const key = body === null || body === undefined ? null : [api.id, `POST ${path}`, siteId, JSON.stringify(body)];
  return useSWR<T, ApiError>(key, () => api.send<T>("POST", path, body, { site_id: siteId }), {
    revalidateOnFocus: false,
    ...options,
  });
}
