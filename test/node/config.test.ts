// The names both sides must agree on are written once per side: the wrangler configs (what
// Cloudflare creates and calls) and core/ (what the code dispatches on). Parsed with wrangler's
// own config reader (scripts/wrangler-config.mjs), so this fails the moment either side drifts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EDGE_CRONS, RECOMMEND_CRONS } from "../../core/crons";
import { DEAD_LETTER_QUEUE_NAME, EVENTS_QUEUE_NAME, INGEST_MAX_RETRIES } from "../../core/queue";
import { devConfig, queueOptions, readWranglerConfig } from "../../scripts/wrangler-config.mjs";

const root = resolve(import.meta.dirname, "../..");
const config = (file: string) => readWranglerConfig(root, file);

describe("wrangler configs and core/ agree", () => {
  it("the edge Worker's crons are core/crons.ts's", () => {
    expect(config("wrangler.toml").triggers?.crons).toEqual([...EDGE_CRONS]);
  });

  it("the recommend Worker's crons are core/crons.ts's", () => {
    expect(config("recommend.wrangler.toml").triggers?.crons).toEqual([...RECOMMEND_CRONS]);
  });

  it("the edge Worker's queues are core/queue.ts's, and the consumer retries as the code expects", () => {
    const queues = config("wrangler.toml").queues;
    const producers = Object.fromEntries((queues?.producers ?? []).map((p) => [p.binding, p.queue]));
    expect(producers).toEqual({ EVENTS_QUEUE: EVENTS_QUEUE_NAME, DEAD_LETTER_QUEUE: DEAD_LETTER_QUEUE_NAME });
    const consumers = queues?.consumers ?? [];
    expect(consumers.map((c) => c.queue)).toEqual([EVENTS_QUEUE_NAME, DEAD_LETTER_QUEUE_NAME]);
    // jobs/ingest.ts dead-letters a message itself on its last attempt, counted from max_retries.
    expect(consumers[0]).toMatchObject({ max_retries: INGEST_MAX_RETRIES, dead_letter_queue: DEAD_LETTER_QUEUE_NAME });
  });

  it("the scripts run the built Workers with the config's queues", () => {
    const { queueProducers, queueConsumers } = queueOptions(root);
    expect(queueProducers).toEqual({ EVENTS_QUEUE: EVENTS_QUEUE_NAME, DEAD_LETTER_QUEUE: DEAD_LETTER_QUEUE_NAME });
    expect(queueConsumers[EVENTS_QUEUE_NAME]).toMatchObject({
      maxRetries: INGEST_MAX_RETRIES,
      deadLetterQueue: DEAD_LETTER_QUEUE_NAME,
    });
    expect(Object.keys(queueConsumers)).toEqual([EVENTS_QUEUE_NAME, DEAD_LETTER_QUEUE_NAME]);
  });
});

describe("npm start's copy of the recommend Worker's config", () => {
  it("keeps the config's own vars and every database, with absolute paths, in a file wrangler reads", () => {
    // The README's "Many sites" set-up: a var of its own and a second database.
    const dir = mkdtempSync(resolve(tmpdir(), "wayfind-config-"));
    try {
      const toml =
        readFileSync(resolve(root, "recommend.wrangler.toml"), "utf8") +
        `\n[vars]\nSITE_DATABASES = '{"site_a":"DB_A"}'\n\n[[d1_databases]]\nbinding = "DB_A"\n` +
        `database_name = "wayfind-a"\ndatabase_id = "1"\nmigrations_dir = "schema/migrations"\n`;
      writeFileSync(resolve(dir, "recommend.wrangler.toml"), toml);
      const dev = devConfig(readWranglerConfig(dir, "recommend.wrangler.toml"), root, { ADMIN_TOKEN: "t" });
      writeFileSync(resolve(dir, "recommend.dev.json"), JSON.stringify(dev));
      const read = readWranglerConfig(dir, "recommend.dev.json");
      expect(read.vars).toEqual({ SITE_DATABASES: '{"site_a":"DB_A"}', ADMIN_TOKEN: "t" });
      expect(read.main).toBe(resolve(root, "functions/recommend/index.ts"));
      expect(read.d1_databases?.map((d) => [d.binding, d.migrations_dir])).toEqual([
        ["DB", resolve(root, "schema/migrations")],
        ["DB_A", resolve(root, "schema/migrations")],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
