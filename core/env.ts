// What each Worker is given. The bindings come from `wrangler types` (core/bindings/*.d.ts, generated
// from wrangler.toml and recommend.wrangler.toml, checked in `npm test`); here they gain what a
// config cannot say: the queue's message type, and the secrets and optional vars set per deploy.
import type { IngestMessage } from "./queue";

/** Edge Worker. Secrets: ADMIN_TOKEN (bootstrap admin), SIGNING_KEY, PAYMENTS_KEY, SMTP_PASS. */
export interface EdgeEnv extends Omit<
  EdgeWorkerBindings,
  "EVENTS_QUEUE" | "DEAD_LETTER_QUEUE" | "DEFAULT_RETENTION_DAYS"
> {
  EVENTS_QUEUE: Queue<IngestMessage>;
  DEAD_LETTER_QUEUE: Queue<unknown>;
  ADMIN_TOKEN?: string;
  /** Signs unsubscribe links; falls back to ADMIN_TOKEN. */
  SIGNING_KEY?: string;
  /** Seals payment providers' credentials (README "Payments in"); falls back to SIGNING_KEY, then ADMIN_TOKEN. */
  PAYMENTS_KEY?: string;
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
  /** Many sites: JSON map site id → D1 binding name of that site's database (schema/databases.ts). */
  SITE_DATABASES?: string;
  /**
   * Search Console pull (README "SEO"): a secret holding JSON {"<site id>": {client_email,
   * private_key, site_url}} of service accounts, and the API and token URLs (Google's by default).
   */
  SEARCH_CONSOLE_CREDENTIALS?: string;
  SEARCH_CONSOLE_URL?: string;
  SEARCH_CONSOLE_TOKEN_URL?: string;
}

/** Recommend Worker. */
export type RecommendEnv = RecommendWorkerBindings;
