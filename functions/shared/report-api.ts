// The report emails are rendered in the recommend Worker (charts need resvg's wasm and a font, which
// stay out of the capture Worker). The edge Worker authenticates, checks the subscription belongs to
// the site, and calls these internal paths over its RECOMMEND service binding, naming the site in
// SITE_HEADER. The recommend Worker has no public route, and the edge forwards only the listed public
// paths (routes/recommend-proxy.ts), so nothing on the internet reaches /internal/*.
import type { ReportPreview } from "../../jobs/reports/preview";
import type { SendCounts } from "../../jobs/reports/send";

/** Any origin: a service binding ignores the host. */
const INTERNAL_ORIGIN = "https://recommend.internal";

export const REPORT_SEND_NOW_PATH = "/internal/report-subscriptions/:id/send-now";
export const REPORT_PREVIEW_PATH = "/internal/report-subscriptions/:id/preview";

export const reportUrl = (path: string, subscriptionId: string) =>
  `${INTERNAL_ORIGIN}${path.replace(":id", encodeURIComponent(subscriptionId))}`;

/** What a send-now did: the period it covered (its send-log key too) and each recipient's outcome. */
export interface SendNowOutcome extends SendCounts {
  period: { key: string; from: string; to: string };
}

export type { ReportPreview };
