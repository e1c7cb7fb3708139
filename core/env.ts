// What each Worker is given. The bindings come from `wrangler types` (core/bindings/*.d.ts, generated
// from wrangler.toml and recommend.wrangler.toml, checked in `npm test`); here they gain what a
// config cannot say: the queue's message type, and the secrets and optional vars set per deploy.
import type { IngestMessage } from "./queue";

/**
 * What sending email needs, in either Worker: the send log (DB), a sender and a transport, where
 * links point, and the key that signs unsubscribe links. The edge Worker sends account emails
 * (sign-in links, invitations); the recommend Worker renders and sends the ROI reports and alerts.
 * Both are given the same values (README "Reports by email"); SIGNING_KEY must match, since the
 * edge verifies the unsubscribe links the recommend Worker signs.
 */
export interface MailEnv {
  DB: D1Database;
  ADMIN_TOKEN?: string;
  /** Signs unsubscribe links; falls back to ADMIN_TOKEN. */
  SIGNING_KEY?: string;
  /** Where links in emails point: the edge Worker's public URL. */
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
}

/** Edge Worker. Secrets: ADMIN_TOKEN (bootstrap admin), SIGNING_KEY, PAYMENTS_KEY, SMTP_PASS. */
export interface EdgeEnv
  extends Omit<EdgeWorkerBindings, "EVENTS_QUEUE" | "DEAD_LETTER_QUEUE" | "DEFAULT_RETENTION_DAYS">, MailEnv {
  EVENTS_QUEUE: Queue<IngestMessage>;
  DEAD_LETTER_QUEUE: Queue<unknown>;
  /** Seals payment providers' credentials (README "Payments in"); falls back to SIGNING_KEY, then ADMIN_TOKEN. */
  PAYMENTS_KEY?: string;
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

/** Recommend Worker: models, and the report emails (their charts need resvg, kept out of the edge). */
export interface RecommendEnv extends RecommendWorkerBindings, MailEnv {}
