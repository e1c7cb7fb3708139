// How a KPI's change against the previous period reads. The overview API (models/attribution/roi.ts
// metricChange) gives ROI and conversion rate as a difference of ratios, shown in percentage points
// ("+284.1 pp"), and every other figure as a relative change ("+12.0%"), null when the previous
// figure was 0: from nothing to something reads "new", not an endless percentage.

/**
 * The catalog lookup (i18n.ts's TFunction) and the formatter (format.ts) as far as this file uses
 * them, so Node tests can call it without loading the browser's i18n module.
 */
export type Translate = (
  key: "overview.change_new" | "overview.no_previous" | "overview.change_points" | "overview.vs_previous",
  options?: Record<string, string>,
) => string;

export type ChangeUnit = "relative" | "points";

export interface KpiChange {
  /** From the API's `change`. */
  change: number | null;
  unit?: ChangeUnit | undefined;
  /** The figure now and in the previous period, to tell "new" from "nothing to compare". */
  now?: number | null | undefined;
  previous?: number | null | undefined;
}

/** The text and direction (for the arrow and colour) of a change; direction 0 is flat or unknown. */
export interface ChangeFormat {
  change(ratio: number): string;
  points(difference: number): string;
}

export function changeText(t: Translate, f: ChangeFormat, c: KpiChange): { text: string; direction: -1 | 0 | 1 } {
  if (c.change === null) {
    const isNew = c.previous === 0 && typeof c.now === "number" && c.now > 0;
    return isNew ? { text: t("overview.change_new"), direction: 1 } : { text: t("overview.no_previous"), direction: 0 };
  }
  const direction = c.change > 0 ? 1 : c.change < 0 ? -1 : 0;
  const change = c.unit === "points" ? t("overview.change_points", { points: f.points(c.change) }) : f.change(c.change);
  return { text: t("overview.vs_previous", { change }), direction };
}
