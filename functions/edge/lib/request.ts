import type { Context } from "hono";
import type { AcceptResult } from "../capture/accept";
import { ApiError } from "../../shared/errors";

/** The visitor's IP as Cloudflare reports it. Used for hashing and rate limits, never stored. */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip") ?? "0.0.0.0";
}

/** 202 when anything was kept (or dropped by policy); the error envelope when nothing was valid. */
export function batchResponse(c: Context, result: AcceptResult): Response {
  if (result.accepted === 0 && result.dropped === 0 && result.rejected.length > 0) {
    const issues = result.rejected.flatMap((r) => r.issues);
    const code = result.rejected.every((r) => r.code === result.rejected[0]!.code)
      ? result.rejected[0]!.code
      : "invalid_event";
    throw new ApiError(400, code, "No event in the batch was valid.", issues);
  }
  return c.json(result, 202);
}

export function assertBatchSize(events: unknown[], max: number): void {
  if (events.length > max) {
    throw new ApiError(413, "too_many_events", `At most ${max} events per request.`, [
      { path: "events", message: `Got ${events.length}.` },
    ]);
  }
}
