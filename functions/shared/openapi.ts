// Small shared pieces of route definitions.
import { z } from "@hono/zod-openapi";
import { ErrorEnvelope } from "./errors";

export const errors = { content: { "application/json": { schema: ErrorEnvelope } } };
export const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

/** `?site_id=`: required with the admin token, implied by a site's key. */
export const SiteQuery = z.object({ site_id: z.string().optional() });

/** The `{id}` path parameter. */
export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "id", in: "path" } }),
});

/** A catalog item id (course, column, membership), as the catalog API stores it. */
export const ItemId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "1-128 letters, digits or _.:-");

/** Epoch ms as an ISO time; null stays null (typed so a known time stays a string). */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
