import type { Miniflare } from "miniflare";
export declare const COMPATIBILITY_DATE: string;
export declare const HELLO_WORKER: string;
export declare function applyMigrations(db: D1Database, root: string): Promise<void>;
export declare function startBuiltWorkers(options: {
  root: string;
  adminToken: string;
  /** "hello": HELLO_WORKER in the edge's place, with every binding (the cold-start baseline). */
  edge?: "built" | "hello";
  /** false: no queue consumer (messages stay queued), to time capture on its own. */
  consume?: boolean;
  recommend?: "built" | "stub";
  migrate?: boolean;
  port?: number;
  bindings?: Record<string, string>;
  /** Serve the dashboard's static assets in front of the Worker (default true, as deployed). */
  assets?: boolean;
  /** More D1 bindings for the edge Worker (per-site databases), migrated like DB. */
  extraDatabases?: string[];
}): Promise<{ mf: Miniflare; url: URL }>;
export declare function startHelloWorker(): Promise<{ mf: Miniflare; url: URL }>;
