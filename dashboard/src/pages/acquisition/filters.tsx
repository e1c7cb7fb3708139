// Acquisition's visit filters (country, device, landing page, partner), kept in the URL so a view
// can be shared; each is a select of the values the query API has seen in the date range.
import { useMemo } from "preact/hooks";
import { ValueFilter } from "../../components/ValueFilter";
import { useI18n, useT } from "../../context";
import { NONE_VALUE, valueLabel } from "../../lib/metrics";
import type { QueryFilter } from "../../lib/query";

/** URL parameter → the query API's visit dimension. */
export const VISIT_FILTERS = {
  country: "visit:country",
  device: "visit:device",
  landing: "visit:entry_page",
  partner: "visit:partner",
} as const;
export type VisitFilter = keyof typeof VISIT_FILTERS;

/** The URL's visit filters as query API filters. */
export function visitFilters(query: Record<string, string>): QueryFilter[] {
  return (Object.keys(VISIT_FILTERS) as VisitFilter[]).flatMap((k) =>
    query[k] ? [["is", VISIT_FILTERS[k], [query[k]!]] as QueryFilter] : [],
  );
}

/** Countries by name in the UI language, devices from the catalog, the rest as recorded. */
function useValueLabel(name: VisitFilter): (v: string) => string {
  const t = useT();
  const { language } = useI18n();
  const regions = useMemo(() => {
    try {
      return new Intl.DisplayNames([language], { type: "region" });
    } catch {
      return null; // an engine without region names: show the codes
    }
  }, [language]);
  return (v) => {
    if (v === NONE_VALUE) return valueLabel(t, v);
    if (name === "country") return (/^[A-Z]{2}$/.test(v) && regions?.of(v)) || v;
    if (name === "device") return t(`acquisition.devices.${v}` as "acquisition.devices.desktop", { defaultValue: v });
    return v;
  };
}

export function VisitFilterSelect({ name, from, to }: { name: VisitFilter; from: string; to: string }) {
  const t = useT();
  const label = useValueLabel(name);
  return (
    <ValueFilter
      name={name}
      dimension={VISIT_FILTERS[name]}
      label={t(`acquisition.filters.${name}`)}
      from={from}
      to={to}
      valueLabel={label}
    />
  );
}
