/** What seeding sends: a fetch-like call to the edge Worker (global fetch, or Miniflare's dispatchFetch). */
export interface SeedRequestInit {
  method?: string;
  headers: Record<string, string>;
  body?: string;
}
export interface SeedResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export interface RetrainOutcome {
  kind: string;
  promoted: boolean;
  reason: string;
  model: { id: string; metrics: Record<string, unknown> } | null;
}
export declare const DEMO_DOMAIN: string;
export declare function ensureDemo(options: {
  url?: string;
  request?: (path: string, init: SeedRequestInit) => Promise<SeedResponse>;
  adminToken: string;
  previous?: Record<string, unknown>;
  train?: boolean;
  say?: (line: string) => void;
  crashAfterSite?: boolean;
  waitMs?: number;
}): Promise<{
  demo_site_id: string;
  demo_site_key: string;
  demo_secret_key: string;
  demo_report_subscription_id: string;
  /** events: traffic; learning_events: learning; sent: what this call sent (all not already stored). */
  seeded: { events: number; learning_events: number; sent: number; retrained: RetrainOutcome[] } | null;
}>;
export declare function demoSeedEvents(now?: number): {
  traffic: (Record<string, unknown> & { id: string; type: string; ts: number })[];
  learning: (Record<string, unknown> & { id: string; type: string; ts: number })[];
};
export declare function waitStored(options: {
  stored: number;
  total: number;
  count: () => Promise<number>;
  say: (line: string) => void;
  waitMs: number;
  pollMs?: number;
}): Promise<number>;
export declare function modelLine(
  outcome: Pick<RetrainOutcome, "kind" | "promoted" | "reason">,
  seconds: number,
): string;
