// Filters live in the URL's query string, so a view can be bookmarked and shared as it is.
import { useLocation } from "preact-iso";

export type QueryPatch = Record<string, string | null | undefined>;

/** The query, and a setter that merges a patch (null/undefined/"" removes a key) and navigates. */
export function useQueryState(): [Record<string, string>, (patch: QueryPatch, replace?: boolean) => void] {
  const { path, query, route } = useLocation();
  const set = (patch: QueryPatch, replace = false) => {
    const params = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === "") params.delete(k);
      else params.set(k, v);
    }
    const qs = params.toString();
    route(`${path}${qs ? `?${qs}` : ""}`, replace);
  };
  return [query, set];
}
