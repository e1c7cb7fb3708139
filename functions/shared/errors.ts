// One error envelope for every endpoint: {"error":{"code","message","issues":[{"path","message"}]}}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "@hono/zod-openapi";

export interface Issue {
  path: string;
  message: string;
}

/** Response headers an error answers with (Retry-After on a 429 or 503). */
export interface ApiErrorOptions extends ErrorOptions {
  headers?: Record<string, string>;
}

/** A failure the client should see: its status, code and message become the envelope (on-error.ts). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly headers: Record<string, string>;
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    options?: ApiErrorOptions,
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }
}

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .openapi("Error");

export function errorBody(code: string, message: string, issues: Issue[] = []) {
  return { error: { code, message, issues } };
}

export function errorResponse(c: Context, err: ApiError): Response {
  return c.json(errorBody(err.code, err.message, err.issues), err.status, err.headers);
}

/** zod issues as envelope issues; `prefix` locates them inside a larger body (e.g. "events.3"). */
export function zodIssues(error: z.ZodError, prefix = ""): Issue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

export function validationError(error: z.ZodError, prefix = ""): ApiError {
  return new ApiError(400, "validation_failed", "The request did not validate.", zodIssues(error, prefix));
}
