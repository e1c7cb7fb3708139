// Bindings of the edge Worker (wrangler.toml). Secrets: ADMIN_TOKEN (bootstrap admin), SIGNING_KEY, SMTP_PASS.
export interface EdgeEnv {
  DB: D1Database;
  EVENTS_QUEUE: Queue<IngestMessage>;
  DEAD_LETTER_QUEUE: Queue<unknown>;
  RECOMMEND: Fetcher;
  COLLECT_LIMITER: RateLimit;
  ADMIN_TOKEN?: string;
  /** Signs unsubscribe links; falls back to ADMIN_TOKEN. */
  SIGNING_KEY?: string;
  /** Where links in emails point: this Worker's public URL. */
  PUBLIC_URL?: string;
  /** Email delivery: the send_email binding, or SMTP (SMTP_PASS as a secret). */
  REPORT_EMAIL?: SendEmail;
  MAIL_FROM?: string;
  MAIL_TRANSPORT?: "smtp" | "binding";
  SMTP_HOST?: string;
  SMTP_PORT?: string;
  SMTP_SECURITY?: "tls" | "starttls" | "none";
  SMTP_USER?: string;
  SMTP_PASS?: string;
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
