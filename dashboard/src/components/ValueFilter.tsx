// A filter kept in the URL whose choices are the values the query API has seen for one visit
// dimension in the date range (most visits first): "any", then those values. A value the link
// carries stays selectable even when the range has none of it.
import { useId, useMemo } from "preact/hooks";
import { useT } from "../context";
import { queryRows, useQuery } from "../lib/query";
import { useQueryState } from "../lib/url-state";

const OPTIONS_LIMIT = 100;

export function ValueFilter({
  name,
  dimension,
  label,
  from,
  to,
  valueLabel = (v) => v,
}: {
  /** The URL parameter. */
  name: string;
  /** The query API's dimension, e.g. visit:country. */
  dimension: string;
  label: string;
  from: string;
  to: string;
  valueLabel?: (value: string) => string;
}) {
  const t = useT();
  const id = useId();
  const [query, setQuery] = useQueryState();
  const body = useMemo(
    () => ({
      metrics: ["visits"],
      dimensions: [dimension],
      date_range: [from, to] as [string, string],
      pagination: { limit: OPTIONS_LIMIT },
    }),
    [dimension, from, to],
  );
  const answer = useQuery(body);
  const values = answer.data ? queryRows(answer.data, ["visits"]).map((r) => r.key) : [];
  const current = query[name] ?? "";
  if (current && !values.includes(current)) values.unshift(current);
  // A share link without the traffic page may not ask the query API: no choices to offer.
  if (answer.error?.status === 403) return null;
  return (
    <div class="filter filter-item">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={current}
        onChange={(e) => setQuery({ [name]: (e.currentTarget as HTMLSelectElement).value || null })}
      >
        <option value="">{t("acquisition.filters.any")}</option>
        {values
          .filter((v) => v !== "")
          .map((v) => (
            <option key={v} value={v}>
              {valueLabel(v)}
            </option>
          ))}
      </select>
    </div>
  );
}
