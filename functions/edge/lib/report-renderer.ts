// The edge's side of the report emails: they are rendered and sent by the recommend Worker (charts
// need resvg's wasm, which the capture Worker does not carry), reached over the RECOMMEND binding.
// A refusal there (an envelope with its status) is raised here as the same ApiError.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { EdgeEnv } from "../../../core/env";
import { ApiError } from "../../shared/errors";
import { SITE_HEADER } from "../../shared/recommend-api";
import {
  REPORT_PREVIEW_PATH,
  REPORT_SEND_NOW_PATH,
  reportUrl,
  type ReportPreview,
  type SendNowOutcome,
} from "../../shared/report-api";
import type { SiteScope } from "../../../schema/queries/scope";

async function call<T>(env: EdgeEnv, method: "GET" | "POST", url: string, scope: SiteScope): Promise<T> {
  const res = await env.RECOMMEND.fetch(new Request(url, { method, headers: { [SITE_HEADER]: scope.siteId } }));
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) {
    throw new ApiError(
      res.status as ContentfulStatusCode,
      body?.error?.code ?? "internal",
      body?.error?.message ?? `The report renderer answered ${res.status}.`,
    );
  }
  return body as T;
}

/** Sends the subscription's report now (the last full period), as its send-now. */
export const sendReportNow = (env: EdgeEnv, scope: SiteScope, subscriptionId: string) =>
  call<SendNowOutcome>(env, "POST", reportUrl(REPORT_SEND_NOW_PATH, subscriptionId), scope);

/** The report email as send-now would send it, charts inlined; nothing is sent. */
export const previewReport = (env: EdgeEnv, scope: SiteScope, subscriptionId: string) =>
  call<ReportPreview>(env, "GET", reportUrl(REPORT_PREVIEW_PATH, subscriptionId), scope);
