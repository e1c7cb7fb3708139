// Response shapes of the partner program, the partner portal, report emails and the model registry
// that the Partners, Portal, Reports and Recommendations pages read (the OpenAPI document at
// /api/v1/openapi.json is the authority; these mirror the parts in use).

export const PARTNER_TYPES = ["creator", "affiliate", "vendor", "advertiser"] as const;
export const PARTNER_STATUSES = ["applied", "active", "paused", "ended"] as const;
export const COMMISSION_STATUSES = ["held", "pending", "approved", "paid", "reversed", "rejected"] as const;
export type CommissionStatus = (typeof COMMISSION_STATUSES)[number];

/** GET /api/v1/partner-program */
export interface PartnerProgram {
  binding: "first" | "last";
  binding_days: number;
  cookie_days: number;
  levels: number;
  holding_days: number;
  payout_minimum: number;
  currency: string;
  score_weights: Record<string, number>;
}

export interface Partner {
  id: string;
  type: (typeof PARTNER_TYPES)[number];
  name: string;
  email: string | null;
  status: (typeof PARTNER_STATUSES)[number];
  parent_id: string | null;
  group: string | null;
  code: string;
  referral_url: string;
  created_at: string;
}

/** GET /api/v1/partners?sort=score (each row) */
export interface Scorecard extends Partner {
  rank: number;
  score: number | null;
  performance: {
    clicks: number;
    visitors: number;
    conversions: number;
    revenue: number;
    commissions: number;
    conversion_rate: number | null;
    epc: number | null;
    refund_rate: number | null;
    commission_roi: number | null;
    currency: string;
  };
  flags: { code: string; message: string }[];
}

/** GET /api/v1/partners/{id}/links, /portal/me links */
export interface PartnerLink {
  code: string;
  url: string;
  target_url: string;
  created_at: string;
}

export interface Commission {
  id: string;
  partner_id: string;
  order_id: string;
  kind: string;
  status: CommissionStatus;
  reason: string | null;
  amount: number;
  base: number;
  currency: string;
  purchase_time: string;
  hold_until: string;
  payout_id: string | null;
  partner_code: string | null;
}

export interface Payout {
  id: string;
  partner_id: string;
  partner_name: string | null;
  partner_email: string | null;
  amount: number;
  currency: string;
  commissions: number;
  status: "pending" | "paid";
  reference: string | null;
  created_at: string;
  paid_at: string | null;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** GET /api/v1/portal/me */
export interface PortalProfile {
  id: string;
  type: Partner["type"];
  name: string;
  email: string | null;
  status: Partner["status"];
  code: string;
  referral_url: string;
  links: PartnerLink[];
  clicks: number;
  earnings: Partial<Record<CommissionStatus, { orders: number; amount: number }>>;
  currency: string;
}

/** GET /api/v1/portal/clicks, /partners/{id}/clicks */
export interface ClickBreakdown {
  group_by: string;
  data: { key: string; clicks: number; visitors?: number }[];
}

export interface ReportSubscription {
  id: string;
  name: string;
  recipients: string[];
  frequency: "daily" | "weekly" | "monthly";
  weekday: number | null;
  hour: number;
  timezone: string;
  model: string;
  sections: string[];
  language: "en" | "zh-CN" | null;
  active: boolean;
  created_at: string;
}

export interface SendNowResult {
  period: { from: string; to: string };
  sent: number;
  failed: number;
  skipped: number;
  unsubscribed: number;
}

export interface ReportPreview {
  subject: string;
  html: string;
  period: { from: string; to: string };
}

export const ALERT_KINDS = ["roi_below", "spend_up", "conversions_zero"] as const;
export interface AlertRule {
  id: string;
  kind: (typeof ALERT_KINDS)[number];
  channel: string | null;
  threshold: number;
  window_days: number;
  recipients: string[];
  model: string;
  language: "en" | "zh-CN" | null;
  active: boolean;
  created_at: string;
}

/** GET /api/v1/models (each row); metrics in part. */
export interface ModelVersion {
  id: string;
  kind: "recommender" | "propensity" | string;
  version: number;
  status: "candidate" | "active" | "retired" | "rejected" | string;
  data_from: string;
  data_to: string;
  created_at: string;
  promoted_at: string | null;
  decision: "promoted" | "rejected";
  reason: string;
  note: string | null;
  metrics: {
    metric: "ndcg@10" | "auc";
    value: number | null;
    candidate?: string;
    promotion: { baseline: string; baseline_value: number | null; required: number | null };
    holdout?: Record<string, unknown>;
  };
}

/** GET /api/v1/models/performance */
export interface ModelPerformance {
  currency: string;
  days: number;
  data: {
    model_id: string | null;
    version: number | null;
    impressions: number;
    clicks: number;
    purchases: number;
    revenue: number;
    ctr: number | null;
    conversion: number | null;
  }[];
}
