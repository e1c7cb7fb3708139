// Cron work is per site: one site's failure (bad data, a bad setting, a D1 error) must not stop
// the others. Each cron loop goes through forEachSite, which runs the sites one after another
// (D1 has a single writer, so running them at once would only contend) and logs a failure with
// the job, the site and the error; the site is picked up again on the job's next run.
import { describeError } from "../core/errors";

/** Who failed: the site, and for per-subscription or per-rule work the item within it. */
export type SiteContext = { siteId: string } & Record<string, string>;

export interface SiteFailure {
  context: SiteContext;
  error: unknown;
}

export function forEachSite<T extends { id: string }>(
  sites: Iterable<T>,
  job: string,
  fn: (site: T) => Promise<void>,
): Promise<SiteFailure[]>;
export function forEachSite<T>(
  items: Iterable<T>,
  job: string,
  fn: (item: T) => Promise<void>,
  contextOf: (item: T) => SiteContext,
): Promise<SiteFailure[]>;
export async function forEachSite<T>(
  items: Iterable<T>,
  job: string,
  fn: (item: T) => Promise<void>,
  contextOf: (item: T) => SiteContext = (item) => ({ siteId: (item as { id: string }).id }),
): Promise<SiteFailure[]> {
  const failures: SiteFailure[] = [];
  for (const item of items) {
    try {
      await fn(item);
    } catch (error) {
      const context = contextOf(item);
      console.error(`${job} failed`, { ...context, error: describeError(error) }, error);
      failures.push({ context, error });
    }
  }
  return failures;
}
