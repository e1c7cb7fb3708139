// Response shapes of the analysis and spend endpoints the Conversions, Attribution and ROI pages
// read (the OpenAPI document at /api/v1/openapi.json rules; these are the fields in use).

export type GoalKind = "page" | "event" | "signup" | "purchase";

export interface Goal {
  id: string;
  name: string;
  kind: GoalKind;
  path?: string;
  event_name?: string;
  min_revenue?: number;
  created_at: string;
}

/** A funnel step or journey anchor: a saved goal, or one given inline. */
export type GoalRef = { goal_id: string } | { kind: GoalKind; path?: string; label?: string };

export interface FunnelStep {
  index: number;
  label: string;
  visitors: number;
  conversion_from_previous: number | null;
  conversion_from_first: number | null;
  drop_off: number;
  drop_off_rate: number | null;
  median_seconds_from_previous: number | null;
}

export interface Funnel {
  date_range: { from: string; to: string };
  steps: FunnelStep[];
  breakdown: { by: string; values: { value: string; steps: FunnelStep[] }[] } | null;
  notes: string[];
}

export interface Retention {
  period: "day" | "week" | "month";
  periods: number;
  cohorts: {
    start: string;
    size: number;
    returning: (number | null)[];
    rates: (number | null)[];
    revenue: (number | null)[];
    revenue_retention: (number | null)[];
  }[];
  average: (number | null)[];
  notes: string[];
}

export interface Journeys {
  anchor: string;
  nodes: { id: string; name: string; step: number; value: number }[];
  links: { source: string; target: string; value: number }[];
  paths: { steps: string[]; count: number }[];
  visits: number;
}

export interface Credit {
  conversions: number;
  value: number;
  removal_effect?: number;
}

export interface AttributionResult {
  totals: { conversions: number; value: number; paths: number };
  channels: ({ channel: string } & Record<string, Credit | string>)[];
  markov?: { order: number; conversion_probability: number; transition_matrix: Record<string, Record<string, number>> };
  rejected: Rejected[];
}

/** A row the API refused, by CSV line or JSON index, with its issues (`rows.3.cost`). */
export interface Rejected {
  line?: number;
  index?: number;
  issues: { path: string; message: string }[];
}

export interface ImportResult {
  imported: number;
  rejected: Rejected[];
}

export interface BudgetAdvice {
  currency: string;
  model: string;
  from: string;
  to: string;
  days_covered: number;
  daily_budget: number;
  channels: {
    channel: string;
    current_daily_spend: number;
    suggested_daily_spend: number;
    change: number;
    expected_daily_revenue: { current: number; suggested: number };
    fit: { a: number; b: number; r2: number; days_with_spend: number };
  }[];
  expected_daily_revenue_change: { estimate: number; low: number; high: number; confidence: number };
  excluded: { channel: string; reason: string }[];
  notes: string[];
}
