export declare const DEMO_SITE: {
  name: string;
  domain: string;
  allowed_origins: string[];
  currency: string;
  timezone: string;
  item_path_pattern: string;
};
export interface RetrainOutcome {
  kind: string;
  promoted: boolean;
  reason: string;
  model: { metrics: Record<string, unknown> } | null;
}
/** What seeding sends: a fetch-like call to the edge Worker (global fetch, or Miniflare's dispatchFetch). */
export interface SeedRequestInit {
  method?: string;
  headers: Record<string, string>;
  body?: string;
}
export interface SeedResponse {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}
export declare function seedDemo(options: {
  request: (path: string, init: SeedRequestInit) => Promise<SeedResponse>;
  adminToken: string;
  now?: number;
  log?: (line: string) => void;
  waitMs?: number;
}): Promise<{
  facts: {
    demo_site_id: string;
    demo_site_key: string;
    demo_secret_key: string;
    demo_report_subscription_id: string;
  };
  events: number;
  retrained: RetrainOutcome[];
}>;
