// The ROI report's figures as table columns and filters, shared by Overview and Acquisition (and
// any later report page): one definition of each metric's label and kind.
import type { RoiMetrics } from "../api/types";
import type { Column, ColumnKind } from "../components/DataTable";
import type { TFunction } from "../i18n";

/** Attribution models (models/attribution/paths.ts MODEL_NAMES); the API's default first. */
export const ATTRIBUTION_MODELS = [
  "last_non_direct",
  "first_touch",
  "last_touch",
  "linear",
  "time_decay",
  "position_based",
  "markov",
] as const;

export type MetricKey = Exclude<keyof RoiMetrics, "signups">;

export const METRIC_KINDS: Record<MetricKey, ColumnKind> = {
  sessions: "number",
  visitors: "number",
  conversions: "number",
  new_customers: "number",
  revenue: "money",
  cost: "money",
  roi: "percent",
  roas: "number",
  cac: "money",
  conversion_rate: "percent",
  aov: "money",
  ltv_30: "money",
  ltv_90: "money",
  payback_days: "number",
};

export function metricColumns<Row extends RoiMetrics>(t: TFunction, keys: readonly MetricKey[]): Column<Row>[] {
  return keys.map((key) => ({
    key,
    label: t(`metrics.${key}`),
    kind: METRIC_KINDS[key],
    value: (row: Row) => row[key],
  }));
}

export const modelOptions = (t: TFunction) => ATTRIBUTION_MODELS.map((m) => ({ value: m, label: t(`models.${m}`) }));

/**
 * A channel as the reader calls it: GA4's own display name in the UI language (the API keeps GA4's
 * English keys); a site's own channel names are shown as written.
 */
export function channelLabel(t: TFunction, channel: string): string {
  return t(`channels.${channel}` as "channels.Direct", { defaultValue: channel });
}

/** The API's value for "no value recorded" (schema/queries/query-sql.ts NONE). */
export const NONE_VALUE = "(none)";

/**
 * A dimension's value as the reader calls it: no value (empty or the API's "(none)") in the UI
 * language, channels through channelLabel, anything else as recorded.
 */
export function valueLabel(t: TFunction, value: string | null | undefined, channel = false): string {
  if (!value || value === NONE_VALUE) return t("acquisition.none");
  return channel ? channelLabel(t, value) : value;
}
