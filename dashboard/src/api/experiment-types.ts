// Shapes of the experiments API (functions/edge/lib/experiment-schemas.ts) as the dashboard reads them.

export const EXPERIMENT_METRICS = ["purchase", "signup", "revenue", "refund_rate", "bounce_rate"] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];
export const ENGINES = ["frequentist", "bayesian", "sequential"] as const;
export type Engine = (typeof ENGINES)[number];
export const CREATIVE_FIELDS = ["utm_content", "utm_campaign", "utm_id"] as const;

export interface Experiment {
  key: string;
  name: string;
  kind: "onsite" | "creative";
  status: "draft" | "running" | "stopped";
  variants: { key: string; weight: number }[];
  hypothesis: string | null;
  primary_metric: ExperimentMetric;
  guardrails: ExperimentMetric[];
  creative_field: string | null;
  winner: string | null;
  decision: string | null;
  cuped_days: number;
  started_at: string | null;
  stopped_at: string | null;
  created_at: string;
}

export interface EffectResult {
  variant: number;
  effect: number | null;
  se: number | null;
  ci: [number, number] | null;
  p_value: number | null;
  chance_to_win: number | null;
  risk: [number, number] | null;
}

export interface ExperimentResults {
  experiment: string;
  engine: Engine;
  currency: string;
  cuped: { pre_from: string; pre_to: string } | null;
  issues: { code: "missing_fx_rate"; currency: string; date: string }[];
  variants: string[];
  cost: (number | null)[];
  roas: (number | null)[];
  units: (number | null)[];
  srm: { p_value: number; warning: boolean };
  metrics: {
    metric: ExperimentMetric;
    /** Null for a variant with no units. */
    means: (number | null)[];
    cuped: boolean;
    results: (EffectResult & { adjusted_p_value: number | null; variance_reduction: number | null })[];
  }[];
  daily: { day: string; units: number[]; results: EffectResult[] }[];
}

export interface ExperimentAllocation {
  experiment: string;
  objective: "revenue" | "conversions";
  draws: number;
  currency: string;
  variants: {
    variant: string;
    cost: number;
    conversions: number;
    revenue: number;
    expected_return: number;
    share: number;
  }[];
}
