// The one error handler of both Workers (hono's own pattern: one error class carrying status and
// cause, one onError that turns it into the envelope). Only the wording of the 404 and 500
// messages is each Worker's own.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { PatternRouter } from "hono/router/pattern-router";
import { ApiError, errorBody, errorResponse } from "./errors";

export interface ErrorHandlerOptions {
  /** Names the Worker in the log line of an unexpected error. */
  worker: string;
  /** The 500 message clients see; the error itself only goes to the log. */
  internalMessage: string;
}

/** The envelope codes of hono's refusals, the same codes the routes' own ApiErrors use. */
const STATUS_CODES: Partial<Record<number, string>> = { 413: "payload_too_large", 415: "unsupported_media_type" };

export function onError({ worker, internalMessage }: ErrorHandlerOptions): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    // hono's own refusals (its JSON body parser, body limits) keep their status, in the envelope.
    if (err instanceof HTTPException) {
      const malformed = /malformed json/i.test(err.message);
      const code = malformed ? "invalid_json" : (STATUS_CODES[err.status] ?? "bad_request");
      return c.json(errorBody(code, malformed ? "The body is not valid JSON." : err.message), err.status);
    }
    console.error(`${worker}: unhandled error`, c.req.method, new URL(c.req.url).pathname, err);
    return c.json(errorBody("internal", internalMessage), 500);
  };
}

/** A registered route, as `app.routes` lists it. */
export interface KnownRoute {
  method: string;
  path: string;
}

/**
 * The methods a path answers to, from the app's routes (middleware, registered for ALL methods,
 * left out). Hono's own PatternRouter matches the same path syntax as the app's router.
 */
export function methodsByPath(routes: readonly KnownRoute[]): (path: string) => string[] {
  const router = new PatternRouter<string>();
  for (const r of routes) if (r.method !== "ALL") router.add("ALL", r.path, r.method);
  return (path) => {
    const methods = new Set(router.match("ALL", path)[0].map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD"); // hono answers HEAD with the GET handler
    return [...methods].sort();
  };
}

/**
 * 404 in the envelope; `message` says what was not found. With the app's routes, a path that
 * exists under other methods answers 405 with `Allow` instead, so a wrong method is not mistaken
 * for a wrong URL. The route table is read on the first miss, once every route is registered.
 */
export function notFound(message: (c: Context) => string, routes?: () => readonly KnownRoute[]): NotFoundHandler {
  let allowed: ((path: string) => string[]) | undefined;
  return (c) => {
    if (routes) {
      allowed ??= methodsByPath(routes());
      const methods = allowed(c.req.path);
      const method = c.req.method === "HEAD" ? "GET" : c.req.method;
      if (methods.length > 0 && !methods.includes(method)) {
        const list = methods.join(", ");
        c.header("allow", list);
        return c.json(
          errorBody("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}.`, [
            { path: "method", message: `Use ${list}.` },
          ]),
          405,
        );
      }
    }
    return c.json(errorBody("not_found", message(c)), 404);
  };
}
