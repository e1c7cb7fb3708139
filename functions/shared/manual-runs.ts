// The rate limit of heavy work started by hand (schema/limits.ts MANUAL_RUN_LIMITS), shared by the
// edge Worker (segments) and the recommend Worker (retraining): claim a slot or answer 429 with
// Retry-After, run, and record how the run ended (its error, if any, beside the log line).
import type { SiteDatabase } from "../../schema/databases";
import { describeError } from "../../core/errors";
import { MANUAL_RUN_LIMITS } from "../../schema/limits";
import { claimManualRun, finishManualRun, type ManualRunKind } from "../../schema/queries/manual-runs";
import { ApiError } from "./errors";

const WHAT: Record<ManualRunKind, string> = { retrain: "retrain", segments: "compute its segments" };

export async function limitedRun<T>(db: SiteDatabase, siteId: string, kind: ManualRunKind, work: () => Promise<T>) {
  const id = crypto.randomUUID();
  const claim = await claimManualRun(db, siteId, kind, id, Date.now());
  if (!claim.ok) {
    const { runs, minutes } = MANUAL_RUN_LIMITS[kind];
    throw new ApiError(
      429,
      "rate_limited",
      `A site may ${WHAT[kind]} at most ${runs} times in ${minutes} minutes by hand (the daily run is not counted). ` +
        `Try again in ${claim.retryAfterSeconds} seconds.`,
      [],
      { headers: { "retry-after": String(claim.retryAfterSeconds) } },
    );
  }
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await finishManualRun(db, siteId, kind, id, Date.now(), describeError(err)).catch(() => undefined);
    throw err;
  }
  await finishManualRun(db, siteId, kind, id, Date.now(), null);
  return result;
}
