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

type Undefaulted<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

/**
 * A PATCH body from a create body: every field optional and without its default. zod 4's
 * `.partial()` keeps defaults, so a PATCH naming one field would reset every defaulted field it
 * left out (a site's currency and time zone, a partner's status).
 */
export function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional(),
    ]),
  );
  return z.object(shape as unknown as { [K in keyof S]: z.ZodOptional<Undefaulted<S[K]>> });
}
