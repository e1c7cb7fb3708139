// Secret API keys of a site: shown once on creation, stored as SHA-256 only, revocable.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { insertKey, listKeys, revokeKey } from "../../../schema/queries/keys";
import { clearKeyCache, requireScope, siteScope } from "../auth";
import { SCOPES } from "../env";
import { randomToken, sha256Hex } from "../../../core/hash";
import type { AppBindings } from "../env";
import { siteOr404 } from "../lib/sites";
import { ApiError, ErrorEnvelope } from "../../shared/errors";

export const keyRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const SiteParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const KeyInfo = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

keyRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/sites/{id}/keys",
    tags: ["Sites and keys"],
    summary: "Create a secret key (admin scope); the key is shown only in this answer",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: SiteParam,
      body: {
        ...json(z.object({ name: z.string().trim().min(1).max(100), scopes: z.array(z.enum(SCOPES)).min(1).max(3) })),
        required: true,
      },
    },
    responses: {
      201: { description: "Created", ...json(KeyInfo.extend({ key: z.string() })) },
      400: { description: "Invalid", ...errors },
      403: { description: "Not allowed", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const key = `wf_sk_${randomToken(32)}`;
    const row = {
      id: `key_${randomToken(12)}`,
      siteId: scope.siteId,
      name: b.name,
      prefix: key.slice(0, 10),
      hash: await sha256Hex(key),
      scopes: [...new Set(b.scopes)].join(","),
      createdAt: Date.now(),
    };
    await insertKey(c.env.DB, row);
    const info = {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: [...new Set(b.scopes)],
      created_at: new Date(row.createdAt).toISOString(),
      revoked_at: null,
    };
    return c.json({ ...info, key }, 201);
  },
);

keyRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/sites/{id}/keys",
    tags: ["Sites and keys"],
    summary: "List a site's keys, without their secrets (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: SiteParam },
    responses: {
      200: { description: "Keys", ...json(z.object({ data: z.array(KeyInfo) })) },
      403: { description: "Not allowed", ...errors },
    },
  }),
  async (c) => {
    const rows = await listKeys(c.env.DB, siteScope(c, c.req.valid("param").id));
    const data = rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes.split(",") as (typeof SCOPES)[number][],
      created_at: new Date(r.createdAt).toISOString(),
      revoked_at: r.revokedAt ? new Date(r.revokedAt).toISOString() : null,
    }));
    return c.json({ data }, 200);
  },
);

keyRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/sites/{id}/keys/{keyId}",
    tags: ["Sites and keys"],
    summary: "Revoke a key (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: SiteParam.extend({
        keyId: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: "keyId", in: "path" } }),
      }),
    },
    responses: { 204: { description: "Revoked" }, 404: { description: "No such key in this site", ...errors } },
  }),
  async (c) => {
    const { id, keyId } = c.req.valid("param");
    if (!(await revokeKey(c.env.DB, siteScope(c, id), keyId, Date.now()))) {
      throw new ApiError(404, "not_found", "No such key in this site.");
    }
    clearKeyCache();
    return c.body(null, 204);
  },
);
