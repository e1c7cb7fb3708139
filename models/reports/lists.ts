// What a report subscription and an alert rule may name: the sections of an ROI email and the
// kinds of threshold alert. Stored in report_subscriptions and alert_rules (schema/report-tables.ts),
// validated by the API, read by the report jobs.

export const SECTIONS = [
  "totals",
  "channels",
  "campaigns",
  "partners",
  "recommendations",
  "movers",
  "charts",
  "experiments",
  "seo",
  "courses",
] as const;
export type Section = (typeof SECTIONS)[number];

export const ALERT_KINDS = ["roi_below", "spend_up", "conversions_zero"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
