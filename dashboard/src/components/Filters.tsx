// Shared filters, kept in the URL (lib/url-state.ts): the date range (presets relative to today in
// the site's time zone, or fixed days) and any select filter. Pages read the same URL with
// useDateRange() to build their API queries.
import { useId } from "preact/hooks";
import { useSite, useT } from "../context";
import { addDays, todayIn } from "../format";
import { useQueryState } from "../lib/url-state";

export const RANGE_PRESETS = ["7d", "30d", "90d", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface DateRange {
  preset: RangePreset;
  from: string;
  to: string;
  /** The URL had `from` after `to`: the days are swapped here, so no page asks the API for a reversed range. */
  reversed?: boolean;
}

/**
 * The range in the URL: `range=7d|30d|90d` (default 30d), or `from` and `to` days (in order: a
 * link with them reversed gets them swapped, and the control says so).
 */
export function useDateRange(): DateRange {
  const [query] = useQueryState();
  const { site } = useSite();
  const today = todayIn(site?.timezone ?? "UTC");
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (query.from && query.to && day.test(query.from) && day.test(query.to)) {
    if (query.from > query.to) return { preset: "custom", from: query.to, to: query.from, reversed: true };
    return { preset: "custom", from: query.from, to: query.to };
  }
  const preset = (["7d", "30d", "90d"] as const).find((p) => p === query.range) ?? "30d";
  return { preset, from: addDays(today, -(Number.parseInt(preset, 10) - 1)), to: today };
}

export function DateRangeFilter() {
  const t = useT();
  const id = useId();
  const range = useDateRange();
  const [, setQuery] = useQueryState();
  const choose = (preset: RangePreset) =>
    preset === "custom"
      ? setQuery({ range: null, from: range.from, to: range.to })
      : setQuery({ range: preset === "30d" ? null : preset, from: null, to: null });
  // A day picked past the other end moves that end too: the range never runs backwards.
  const pick = (end: "from" | "to", value: string) => {
    if (!value) return setQuery({ [end]: null });
    const other = end === "from" ? range.to : range.from;
    const reversed = end === "from" ? value > other : value < other;
    setQuery(reversed ? { from: value, to: value } : { from: range.from, to: range.to, [end]: value });
  };
  const errorId = `${id}-range-error`;
  const invalid = range.reversed ? { "aria-invalid": true, "aria-describedby": errorId } : {};
  return (
    <fieldset class="filter filter-range">
      <legend class="visually-hidden">{t("filters.date_range")}</legend>
      <div class="filter-item">
        <label for={`${id}-preset`}>{t("filters.date_range")}</label>
        <select
          id={`${id}-preset`}
          value={range.preset}
          onChange={(e) => choose((e.currentTarget as HTMLSelectElement).value as RangePreset)}
        >
          {RANGE_PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`filters.presets.${p}`)}
            </option>
          ))}
        </select>
      </div>
      {range.preset === "custom" && (
        <>
          <div class="filter-item">
            <label for={`${id}-from`}>{t("filters.from")}</label>
            <input
              id={`${id}-from`}
              type="date"
              value={range.from}
              max={range.to}
              {...invalid}
              onChange={(e) => pick("from", (e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div class="filter-item">
            <label for={`${id}-to`}>{t("filters.to")}</label>
            <input
              id={`${id}-to`}
              type="date"
              value={range.to}
              min={range.from}
              {...invalid}
              onChange={(e) => pick("to", (e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          {range.reversed && (
            <p class="field-error filter-range-error" id={errorId} role="status">
              {t("filters.reversed")}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

/** A select bound to the URL parameter `name`; the first option is the default (not written). */
export function SelectFilter({
  name,
  label,
  options,
  fallback = options[0]?.value ?? "",
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  /** The value shown (and left out of the URL) when the URL names none. Default: the first option. */
  fallback?: string;
}) {
  const id = useId();
  const [query, setQuery] = useQueryState();
  return (
    <div class="filter filter-item">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={query[name] ?? fallback}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          setQuery({ [name]: v === fallback ? null : v });
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FilterBar({ children }: { children: preact.ComponentChildren }) {
  const t = useT();
  return (
    <section class="filter-bar" aria-label={t("filters.label")}>
      {children}
    </section>
  );
}
