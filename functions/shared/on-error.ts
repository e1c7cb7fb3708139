// The one error handler of both Workers (hono's own pattern: one error class carrying status and
// cause, one onError that turns it into the envelope). Only the wording of the 404 and 500
// messages is each Worker's own.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, errorBody, errorResponse } from "./errors";

export interface ErrorHandlerOptions {
  /** Names the Worker in the log line of an unexpected error. */
  worker: string;
  /** The 500 message clients see; the error itself only goes to the log. */
  internalMessage: string;
}

export function onError({ worker, internalMessage }: ErrorHandlerOptions): ErrorHandler {
  return (err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    // hono's own refusals (its JSON body parser, body limits) keep their status, in the envelope.
    if (err instanceof HTTPException) {
      const malformed = /malformed json/i.test(err.message);
      const code = malformed ? "invalid_json" : err.status === 413 ? "payload_too_large" : "bad_request";
      return c.json(errorBody(code, malformed ? "The body is not valid JSON." : err.message), err.status);
    }
    console.error(`${worker}: unhandled error`, c.req.method, new URL(c.req.url).pathname, err);
    return c.json(errorBody("internal", internalMessage), 500);
  };
}

/** 404 in the envelope; `message` says what was not found. */
export function notFound(message: (c: Context) => string): NotFoundHandler {
  return (c) => c.json(errorBody("not_found", message(c)), 404);
}
