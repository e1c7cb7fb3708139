// The API's response shapes the dashboard reads (the OpenAPI document at /api/v1/openapi.json is
// the authority; these mirror the parts in use).

export type Role = "owner" | "admin" | "analyst" | "viewer" | "partner";
export type SharePage = "overview" | "traffic" | "roi" | "courses" | "recommendations" | "partners";

export interface User {
  id: string;
  email: string;
  name: string;
  language: "en" | "zh-CN";
  has_password: boolean;
}

export interface MemberSite {
  id: string;
  name: string;
  domain: string;
  role: Role;
  partner_id: string | null;
}

/** GET /api/v1/session */
export interface Whoami {
  kind: "user" | "share" | "key" | "admin" | "partner";
  user: User | null;
  sites: MemberSite[];
  pages: SharePage[] | null;
  csrf: { header: string; value: string } | null;
}

export interface SignedIn {
  user: User;
  redirect_to: string;
}

export interface ChannelRule {
  channel: string;
  source?: string;
  medium?: string;
  campaign?: string;
}

/** GET /api/v1/sites/{id} */
export interface Site {
  id: string;
  name: string;
  domain: string;
  public_key: string;
  allowed_origins: string[];
  timezone: string;
  currency: string;
  retention_days: number;
  cookie_mode: boolean;
  respect_dnt: boolean;
  channel_rules: ChannelRule[];
  lookback_days: number;
  half_life_days: number;
  item_path_pattern: string | null;
  created_at: string;
}

export interface RoiMetrics {
  sessions: number;
  visitors: number;
  conversions: number;
  new_customers: number;
  revenue: number;
  cost: number;
  roi: number | null;
  roas: number | null;
  cac: number | null;
  conversion_rate: number | null;
  aov: number | null;
  ltv_30: number | null;
  ltv_90: number | null;
  payback_days: number | null;
  /** Not in every version of the API: shown when present. */
  signups?: number;
}

export interface ReportIssue {
  code: "missing_fx_rate";
  currency: string;
  date: string;
}

/** GET /api/v1/reports/overview */
export interface Overview {
  from: string;
  to: string;
  previous: { from: string; to: string };
  model: string;
  currency: string;
  data_until: string | null;
  totals: RoiMetrics;
  previous_totals: RoiMetrics;
  change: Partial<Record<keyof RoiMetrics, number | null>>;
  channels: (RoiMetrics & { channel: string })[];
  issues: ReportIssue[];
}

export type RoiRow = RoiMetrics & { period: string } & Partial<Record<string, string>>;

/** GET /api/v1/reports/roi */
export interface RoiReport {
  from: string;
  to: string;
  model: string;
  group_by: string;
  period: "day" | "week" | "month" | "total";
  currency: string;
  data_until: string | null;
  rows: RoiRow[];
  totals: RoiMetrics;
  issues: ReportIssue[];
}

/** POST /api/v1/classify */
export interface Classification {
  source: string;
  medium: string;
  campaign: string;
  term: string | null;
  content: string | null;
  channel: string;
  click_id_type: string | null;
  partner_code: string | null;
  bot: boolean;
  device: string;
  browser: string | null;
  os: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ("ingest" | "read" | "admin")[];
  created_at: string;
  revoked_at: string | null;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  partner_id: string | null;
  joined_at: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  partner_id: string | null;
  created_at: string;
  expires_at: string;
}

export interface ShareLink {
  id: string;
  site_id: string;
  name: string;
  pages: SharePage[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** GET /api/v1/events (the fields the dashboard reads). */
export interface StoredEvent {
  id: string;
  type: string;
  /** ISO 8601, UTC. */
  time: string;
  /** Epoch ms. */
  ts: number;
  url: string | null;
  channel: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
