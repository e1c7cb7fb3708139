// The collector's per-client rate limit, in two tiers. The shared limiter (the COLLECT_LIMITER
// binding: 120 requests a minute per site and client, counted across isolates) is asked only about
// a client this isolate has already seen LOCAL_FREE_REQUESTS times in the current minute. A snippet
// sends a few batches per page, so ordinary visitors never wait on it and floods still meet it. The
// cost: a client may get LOCAL_FREE_REQUESTS more per isolate it reaches than the shared limit, a
// margin the binding's own counting (per location, eventually consistent) already has.

/** Requests a client may make to one isolate in a window before the shared limiter is asked. */
export const LOCAL_FREE_REQUESTS = 8;
/** Clients counted per isolate and window; beyond it every new client goes to the shared limiter. */
export const LOCAL_LIMITER_MAX_CLIENTS = 10_000;
/** The binding's period (wrangler.toml `simple.period`), so both tiers roll over together. */
export const LIMITER_WINDOW_MS = 60_000;

let countingWindow = -1;
const seen = new Map<string, number>();

/** Whether this client may send now; `now` is for tests. */
export async function clientAllowed(limiter: RateLimit, key: string, now = Date.now()): Promise<boolean> {
  const current = Math.floor(now / LIMITER_WINDOW_MS);
  if (current !== countingWindow) {
    countingWindow = current;
    seen.clear();
  }
  const count = seen.get(key);
  if (count === undefined && seen.size >= LOCAL_LIMITER_MAX_CLIENTS) return (await limiter.limit({ key })).success;
  const next = (count ?? 0) + 1;
  seen.set(key, next);
  return next <= LOCAL_FREE_REQUESTS || (await limiter.limit({ key })).success;
}
