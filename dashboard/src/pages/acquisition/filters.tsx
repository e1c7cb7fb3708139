// Acquisition's visit filters (country, device, landing page, partner), kept in the URL so a view
// can be shared; each is a select of the values the query API has seen in the date range.
import { useId, useMemo } from "preact/hooks";
import { useI18n, useT } from "../../context";
import type { QueryFilter } from "../../lib/query";
import { queryRows, useQuery } from "../../lib/query";
import { useQueryState } from "../../lib/url-state";

/** URL parameter → the query API's visit dimension. */
export const VISIT_FILTERS = {
  country: "visit:country",
  device: "visit:device",
  landing: "visit:entry_page",
  partner: "visit:partner",
} as const;
export type VisitFilter = keyof typeof VISIT_FILTERS;
const OPTIONS_LIMIT = 100;

/** The URL's visit filters as query API filters. */
export function visitFilters(query: Record<string, string>): QueryFilter[] {
  return (Object.keys(VISIT_FILTERS) as VisitFilter[]).flatMap((k) =>
    query[k] ? [["is", VISIT_FILTERS[k], [query[k]!]] as QueryFilter] : [],
  );
}

function useValueLabel(name: VisitFilter): (v: string) => string {
  const t = useT();
  const { language } = useI18n();
  const regions = useMemo(() => {
    try {
      return new Intl.DisplayNames([language], { type: "region" });
    } catch {
      return null;
    }
  }, [language]);
  return (v) => {
    if (name === "country") {
      try {
        return (/^[A-Z]{2}$/.test(v) && regions?.of(v)) || v;
      } catch {
        return v;
      }
    }
    if (name === "device") return t(`acquisition.devices.${v}` as "acquisition.devices.desktop", { defaultValue: v });
    return v;
  };
}

/** A select of one visit filter: "any", then the values with visits in the range (most first). */
export function VisitFilterSelect({ name, from, to }: { name: VisitFilter; from: string; to: string }) {
  const t = useT();
  const id = useId();
  const [query, setQuery] = useQueryState();
  const label = useValueLabel(name);
  const body = useMemo(
    () => ({
      metrics: ["visits"],
      dimensions: [VISIT_FILTERS[name]],
      date_range: [from, to] as [string, string],
      pagination: { limit: OPTIONS_LIMIT },
    }),
    [name, from, to],
  );
  const answer = useQuery(body);
  const values = answer.data ? queryRows(answer.data, ["visits"]).map((r) => r.key) : [];
  const current = query[name] ?? "";
  if (current && !values.includes(current)) values.unshift(current);
  return (
    <div class="filter filter-item">
      <label for={id}>{t(`acquisition.filters.${name}`)}</label>
      <select
        id={id}
        value={current}
        onChange={(e) => setQuery({ [name]: (e.currentTarget as HTMLSelectElement).value || null })}
      >
        <option value="">{t("acquisition.filters.any")}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {label(v) || t("acquisition.none")}
          </option>
        ))}
      </select>
    </div>
  );
}
