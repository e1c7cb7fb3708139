// Read-only share links, as Plausible and Umami offer: an owner or admin makes a link to the
// site's dashboard, optionally limited to some pages; whoever holds it reads those pages (GET only)
// and nothing else. Only the token's hash is stored; revoking works on the next request.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomToken, sha256Hex } from "../../../core/hash";
import { SHARE_PAGES } from "../../../core/roles";
import { DAY_MS } from "../../../core/time";
import {
  insertShareLink,
  listShareLinks,
  revokeShareLink,
  type ShareLinkRow,
} from "../../../schema/queries/share-links";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { sessionSecurity } from "../lib/account-views";
import { SHARE_TOKEN_PREFIX } from "../lib/accounts";
import { siteOr404 } from "../lib/sites";
import { publicBase } from "../lib/web-session";

export const shareLinkRoutes = new OpenAPIHono<AppBindings>();
const tags = ["Share links"];

const ShareLink = z
  .object({
    id: z.string(),
    site_id: z.string(),
    name: z.string(),
    pages: z.array(z.enum(SHARE_PAGES)).openapi({ description: "The dashboard pages it opens." }),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ShareLink");

const view = (r: ShareLinkRow): z.infer<typeof ShareLink> => ({
  id: r.id,
  site_id: r.siteId,
  name: r.name,
  pages: r.pages ?? [...SHARE_PAGES],
  created_at: iso(r.createdAt)!,
  expires_at: iso(r.expiresAt),
  revoked_at: iso(r.revokedAt),
});

shareLinkRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/share-links",
    tags,
    summary: "Create a read-only share link (owner or admin); the token is shown only in this answer",
    description:
      "The holder sends `Authorization: Bearer <token>` (the dashboard reads it from the link's #fragment). " +
      "Without `pages`, every shareable page is open.",
    security: sessionSecurity,
    middleware: [requireScope("admin")] as const,
    request: {
      query: SiteQuery,
      body: {
        ...json(
          z.object({
            name: z.string().trim().min(1).max(100),
            pages: z.array(z.enum(SHARE_PAGES)).min(1).optional(),
            expires_in_days: z.number().int().min(1).max(3650).optional(),
          }),
        ),
        required: true,
      },
    },
    responses: {
      201: { description: "Created", ...json(ShareLink.extend({ token: z.string(), url: z.string() })) },
      400: { description: "Invalid", ...errors },
      403: { description: "Not allowed", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const auth = c.get("auth");
    const token = `${SHARE_TOKEN_PREFIX}${randomToken(40)}`;
    const now = Date.now();
    const row: ShareLinkRow = {
      siteId: scope.siteId,
      id: `shr_${randomToken(12)}`,
      name: b.name,
      tokenHash: await sha256Hex(token),
      pages: b.pages ? [...new Set(b.pages)] : null,
      createdBy: auth.kind === "user" ? auth.userId : null,
      createdAt: now,
      expiresAt: b.expires_in_days ? now + b.expires_in_days * DAY_MS : null,
      revokedAt: null,
    };
    await insertShareLink(c.env.DB, row);
    // The token rides in the fragment, which browsers never send to a server or in a Referer.
    return c.json({ ...view(row), token, url: `${publicBase(c)}/share#${token}` }, 201);
  },
);

shareLinkRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/share-links",
    tags,
    summary: "List a site's share links, without their tokens (owner or admin)",
    security: sessionSecurity,
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery },
    responses: {
      200: { description: "Share links", ...json(z.object({ data: z.array(ShareLink) })) },
      403: { description: "Not allowed", ...errors },
    },
  }),
  async (c) => {
    const rows = await listShareLinks(c.env.DB, siteScope(c));
    return c.json({ data: rows.map(view) }, 200);
  },
);

shareLinkRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/share-links/{id}",
    tags,
    summary: "Revoke a share link (owner or admin); it stops working at once",
    security: sessionSecurity,
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      204: { description: "Revoked" },
      404: { description: "No such live link in this site", ...errors },
    },
  }),
  async (c) => {
    if (!(await revokeShareLink(c.env.DB, siteScope(c), c.req.valid("param").id, Date.now()))) {
      throw new ApiError(404, "not_found", "No such share link in this site.");
    }
    return c.body(null, 204);
  },
);
