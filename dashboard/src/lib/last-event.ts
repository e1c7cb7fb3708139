// The newest stored event of a site, found through GET /api/v1/events (which lists oldest first,
// in a time range): look back in widening windows from now, and inside the first window that has
// events, halve it towards the newer end until one page holds the rest. A few small requests even
// for a site with millions of events.
import type { ApiClient } from "../api/client";
import type { Page, StoredEvent } from "../api/types";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** Look-back windows, newest first: the last 15 minutes, 6 hours, a week, 90 days, 400 days. */
const EDGES = [15 * MINUTE, 360 * MINUTE, 7 * DAY, 90 * DAY, 400 * DAY];
const PAGE = 200;

export async function lastEvent(api: ApiClient, siteId: string, now = Date.now()): Promise<StoredEvent | null> {
  const list = (from: number, to: number) =>
    api.get<Page<StoredEvent>>("/api/v1/events", { site_id: siteId, from, to, limit: PAGE });
  const newest = async (from: number, to: number): Promise<StoredEvent | null> => {
    const page = await list(from, to);
    if (page.data.length === 0) return null;
    if (!page.next_cursor || to - from <= 1) return page.data.at(-1)!;
    const mid = Math.floor((from + to) / 2);
    return (await newest(mid, to)) ?? (await newest(from, mid));
  };
  const end = now + MINUTE; // a little ahead: clocks differ
  let to = end;
  for (const back of EDGES) {
    const from = end - back;
    const found = await newest(from, to);
    if (found) return found;
    to = from;
  }
  return null;
}
