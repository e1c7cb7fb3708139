// What the edge's two apps (app.ts, the whole API; capture-app.ts, capture alone) share: request
// validation failures in the one envelope, and the one error handler.
import type { Hook } from "@hono/zod-openapi";
import type { AppBindings } from "../env";
import { validationError } from "../../shared/errors";
import { onError } from "../../shared/on-error";

export const defaultHook: Hook<unknown, AppBindings, string, unknown> = (result) => {
  if (!result.success) throw validationError(result.error);
};

export const edgeOnError = onError({ worker: "edge", internalMessage: "Something went wrong on our side." });
