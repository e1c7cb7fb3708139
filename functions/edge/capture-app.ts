// The capture path on its own: POST (and the CORS preflight of) /api/collect, and the snippet
// (/t.js, /t/<version>.js and the add-ons /t/<name>.js). The same route modules app.ts mounts, with the same
// validation hook and error handler, in an app small enough that a cold isolate answering them does
// not evaluate the rest of the API. Any other method or path goes to the full app.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "./env";
import { notFound } from "../shared/on-error";
import { defaultHook, edgeOnError } from "./lib/app-hooks";
import { collectRoutes } from "./routes/collect";
import { snippetRoutes } from "./routes/snippet";

// A pinned version is hex, an add-on's name (experiments, options, elements) a word.
const SNIPPET_PATH = /^\/t(\.js|\/[0-9a-z]+\.js)$/;

/** Whether the capture app answers this request (else the full app does, e.g. with its 405). */
export function isCaptureRequest(method: string, path: string): boolean {
  if (path === "/api/collect") return method === "POST" || method === "OPTIONS";
  return SNIPPET_PATH.test(path) && (method === "GET" || method === "HEAD");
}

export const captureApp = new OpenAPIHono<AppBindings>({ defaultHook });
captureApp.route("/", snippetRoutes);
captureApp.route("/", collectRoutes);
captureApp.notFound(notFound((c) => `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
captureApp.onError(edgeOnError);
