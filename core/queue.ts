// The queue hop between the two halves of the edge Worker. Producer: functions/edge/capture/accept.ts
// (enqueue), after validation and enrichment. Consumer: jobs/ingest.ts (handleIngestBatch), which
// sessionizes and writes to D1. Names must match wrangler.toml's [[queues]] (test/node/config.test.ts).
import type { EnrichedEvent } from "./event";

export const EVENTS_QUEUE_NAME = "wayfind-events";
export const DEAD_LETTER_QUEUE_NAME = "wayfind-events-dlq";
/** The consumer's max_retries: a message is delivered at most this many times plus one. */
export const INGEST_MAX_RETRIES = 5;

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

/**
 * What the consumer itself sends to the dead-letter queue: the original body with the reason it
 * failed. A message that Queues moves there on its own (after max_retries) arrives as its bare body.
 */
export interface DeadLetter {
  deadLetter: 1;
  /** The message's id on the events queue. */
  messageId: string;
  attempts: number;
  error: string;
  body: unknown;
}

export function isDeadLetter(body: unknown): body is DeadLetter {
  const d = body as DeadLetter;
  return typeof d === "object" && d !== null && d.deadLetter === 1 && typeof d.error === "string";
}
