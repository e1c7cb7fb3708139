// The queue hop between the two halves of the edge Worker. Producer: functions/edge/capture/accept.ts
// (enqueue), after validation and enrichment. Consumer: jobs/ingest.ts (handleIngestBatch), which
// sessionizes and writes to D1. Names must match wrangler.toml's [[queues]] (test/node/config.test.ts).
import type { EnrichedEvent } from "./event";

export const EVENTS_QUEUE_NAME = "wayfind-events";
export const DEAD_LETTER_QUEUE_NAME = "wayfind-events-dlq";

/** Bot hits seen by the collector, by UTC day and agent: counted, never stored as events. */
export type BotCounts = Record<string, Record<string, number>>;

/** One queue message: events of one request, already validated and enriched. */
export interface IngestMessage {
  v: 1;
  siteId: string;
  events: EnrichedEvent[];
  bots?: BotCounts;
}

export function isIngestMessage(body: unknown): body is IngestMessage {
  const m = body as IngestMessage;
  return (
    typeof m === "object" &&
    m !== null &&
    m.v === 1 &&
    typeof m.siteId === "string" &&
    Array.isArray(m.events) &&
    m.events.every((e) => typeof e?.id === "string" && typeof e.ts === "number")
  );
}
