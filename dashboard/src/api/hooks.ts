// Reading the API from components: SWR caches, dedupes and revalidates; keys carry the caller
// (session or share link) and the full URL, so writes can refresh what they changed.
import { useContext } from "preact/hooks";
import useSWR, { type SWRConfiguration, useSWRConfig } from "swr";
import { ApiContext, SiteContext } from "../context";
import { type ApiError, type Query, withQuery } from "./client";

/** GET `path` (null: not yet). */
export function useApi<T>(path: string | null, query?: Query, options?: SWRConfiguration<T, ApiError>) {
  const api = useContext(ApiContext);
  const url = path === null ? null : withQuery(path, query);
  return useSWR<T, ApiError>(url === null ? null : [api.id, url], () => api.get<T>(url!), options);
}

/** GET `path` for the current site (adds site_id). */
export function useSiteApi<T>(path: string | null, query?: Query, options?: SWRConfiguration<T, ApiError>) {
  const { siteId } = useContext(SiteContext);
  return useApi<T>(path, { ...query, site_id: siteId }, options);
}

/** Refreshes every cached answer whose URL starts with `prefix` (after a write). */
export function useRefresh(): (prefix: string) => Promise<unknown> {
  const { mutate } = useSWRConfig();
  return (prefix) => mutate((key) => Array.isArray(key) && typeof key[1] === "string" && key[1].startsWith(prefix));
}
