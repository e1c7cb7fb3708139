// The at-risk period (a week) and the win-back window, shared by the cron run, the digest and the API.
import { DAY_MS, utcDay } from "../../core/time";
import { DROPOUT_HORIZON_DAYS } from "../../models/dropout/learner";

/** A flagged learner came back when they have learning activity within this many days of the flag. */
export const WIN_BACK_WINDOW_DAYS = DROPOUT_HORIZON_DAYS;

/** The week a moment belongs to: its Monday (UTC), YYYY-MM-DD. */
export function weekOf(ms: number): string {
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  return utcDay(ms - weekday * DAY_MS);
}

/** The Monday `weeks - 1` weeks before `now`'s: the first of the last `weeks` periods. */
export const firstWeek = (now: number, weeks: number) => weekOf(now - (weeks - 1) * 7 * DAY_MS);

/** The cron flags learners at or above this dropout probability (the API's default threshold too). */
export const FLAG_THRESHOLD = 0.5;
