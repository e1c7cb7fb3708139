// The edge Worker's entry. Capture (/api/collect and the snippet) is answered by a small app of its
// own (capture-app.ts); everything else loads the full API (app.ts) on its first request, and the
// queue consumer and the crons load their jobs when first called. A cold isolate that only captures
// thus evaluates the capture modules alone (README "Benchmarks": edge cold start). esbuild keeps the
// dynamically imported modules in the one script, each evaluated when first imported.
import type { EdgeEnv } from "../../core/env";
import { DEAD_LETTER_QUEUE_NAME } from "../../core/queue";
import { captureApp, isCaptureRequest } from "./capture-app";

type FullApp = ReturnType<(typeof import("./app"))["createApp"]>;
let full: Promise<FullApp> | undefined;
const fullApp = () => (full ??= import("./app").then((m) => m.createApp()));

/**
 * The snippet and the collector also answer under any path prefix, so a site can route
 * example.com/stats/* to this Worker and serve them first-party (README: ad blockers).
 */
const PREFIXED_PUBLIC_PATH = /^\/.+?(\/t\.js|\/t\/[0-9a-z]+\.js|\/api\/collect)$/;

// Only handlers may be exported from the entry module: workerd refuses any other named export.
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const match = PREFIXED_PUBLIC_PATH.exec(url.pathname);
    if (match) {
      url.pathname = match[1]!;
      request = new Request(url, request);
    }
    if (isCaptureRequest(request.method, url.pathname)) return captureApp.fetch(request, env, ctx);
    return (await fullApp()).fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    const { handleDeadLetters, handleIngestBatch } = await import("../../jobs/ingest");
    if (batch.queue === DEAD_LETTER_QUEUE_NAME) await handleDeadLetters(batch, env);
    else await handleIngestBatch(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    const { handleScheduled } = await import("../../jobs/scheduled");
    await handleScheduled(controller, env);
  },
} satisfies ExportedHandler<EdgeEnv, unknown>;
