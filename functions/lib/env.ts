// Bindings of the edge Worker (wrangler.toml). Secrets: ADMIN_TOKEN (bootstrap admin).
export interface EdgeEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<IngestMessage>;
  DEAD_LETTER_QUEUE: Queue<unknown>;
  RECOMMEND: Fetcher;
  COLLECT_LIMITER: RateLimit;
  ADMIN_TOKEN?: string;
  DEFAULT_RETENTION_DAYS?: string;
}

/** One queue message: events of one request, already validated and enriched. */
export interface IngestMessage {
  v: 1;
  siteId: string;
  events: import("../capture/enrich").EnrichedEvent[];
  /** Bot hits seen by the collector, by UTC day and agent: counted, never stored as events. */
  bots?: Record<string, Record<string, number>>;
}

export type AppBindings = { Bindings: EdgeEnv; Variables: { auth: import("./auth").AuthContext } };
