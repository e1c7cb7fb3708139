// Request parsing for the recommend Worker: schemas (./schemas) applied with the shared error envelope.
import { z } from "@hono/zod-openapi";
import { ApiError, validationError } from "../shared/errors";
import type { LearnerKey } from "../../jobs/recs/data";

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

export function learnerKey(input: { user_id?: string | undefined; visitor_id?: string | undefined }): LearnerKey {
  if (input.user_id) return { userId: input.user_id };
  if (input.visitor_id) return { visitorId: input.visitor_id };
  throw new ApiError(400, "validation_failed", "Name the learner.", [
    { path: "user_id", message: "Give user_id or visitor_id." },
  ]);
}

/** The JSON body; an empty body is `empty` when given (optional bodies), else an error. */
export async function jsonBody(req: Request, empty?: unknown): Promise<unknown> {
  const text = await req.text();
  if (!text.trim() && empty !== undefined) return empty;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
}
