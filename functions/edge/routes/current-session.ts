// GET /api/v1/session: who is calling (a signed-in person, a share link, a key), which sites they
// may open with which role, and how to send writes (the CSRF header). Not to be confused with
// /api/v1/sessions (visitors' browsing sessions).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type Role, SHARE_PAGES } from "../../../core/roles";
import { getSite } from "../../../schema/queries/sites";
import { getUser, memberSites } from "../../../schema/queries/users";
import { requireAuth } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, json } from "../../shared/openapi";
import { MemberSite, sessionSecurity, User, userView } from "../lib/account-views";
import { CSRF_HEADER, SESSION_COOKIE } from "../lib/web-session";

export const currentSessionRoutes = new OpenAPIHono<AppBindings>();

currentSessionRoutes.openAPIRegistry.registerComponent("securitySchemes", "session", {
  type: "apiKey",
  in: "cookie",
  name: SESSION_COOKIE,
  description:
    "A person's session (POST /api/v1/auth/login). Writes also need `x-wayfind-csrf: 1` and an Origin of this site.",
});

const Whoami = z
  .object({
    kind: z.enum(["user", "share", "key", "admin", "partner"]),
    // A union, not .nullable(): a named schema made nullable becomes an allOf that forbids null.
    user: z.union([User, z.null()]),
    sites: z.array(MemberSite),
    pages: z
      .array(z.enum(SHARE_PAGES))
      .nullable()
      .openapi({ description: "A share link's pages; the dashboard shows only these." }),
    csrf: z
      .object({ header: z.string(), value: z.string() })
      .nullable()
      .openapi({ description: "Send this header with every write made with the session cookie." }),
  })
  .openapi("Whoami");

currentSessionRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/session",
    tags: ["People and sign-in"],
    summary: "Who am I: the person, their sites and roles, and the CSRF header for writes",
    security: sessionSecurity,
    middleware: [requireAuth()] as const,
    responses: {
      200: { description: "The caller", ...json(Whoami) },
      401: { description: "Not signed in", ...errors },
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    const none = { user: null, sites: [], pages: null, csrf: null };
    if (auth.kind === "user") {
      const [user, sites] = await Promise.all([getUser(c.env.DB, auth.userId), memberSites(c.env.DB, auth.userId)]);
      if (!user) throw new ApiError(401, "unauthorized", "Sign in again.");
      return c.json(
        {
          kind: "user" as const,
          user: userView(user),
          sites: sites.map((s) => ({
            id: s.siteId,
            name: s.name,
            domain: s.domain,
            role: s.role as Role,
            partner_id: s.partnerId,
          })),
          pages: null,
          csrf: { header: CSRF_HEADER, value: "1" },
        },
        200,
      );
    }
    if (auth.kind === "admin") return c.json({ kind: "admin" as const, ...none }, 200);
    // A key, a partner or a share link acts on one site, with what a role would allow it there.
    const site = await getSite(c.env.DB, { siteId: auth.siteId });
    const role: Role =
      auth.kind === "partner" ? "partner" : auth.kind === "key" && auth.scopes.has("admin") ? "admin" : "viewer";
    const partnerId = auth.kind === "partner" ? auth.partnerId : null;
    const sites = site ? [{ id: site.id, name: site.name, domain: site.domain, role, partner_id: partnerId }] : [];
    return c.json({ kind: auth.kind, ...none, sites, pages: auth.kind === "share" ? [...auth.pages] : null }, 200);
  },
);
