// POST /api/v1/users (bootstrap admin token): make a person owner of some sites without a default
// password, and hand back a one-time sign-in link valid for 24 hours (`npm start` prints one).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomToken } from "../../../core/hash";
import { ensureUser, putMember } from "../../../schema/queries/users";
import { requireScope } from "../auth";
import type { AppBindings } from "../env";
import { errors, iso, json } from "../../shared/openapi";
import { Email, Language, User, userView } from "../lib/account-views";
import { issueToken } from "../lib/accounts";
import { siteOr404 } from "../lib/sites";
import { publicBase } from "../lib/web-session";

export const userRoutes = new OpenAPIHono<AppBindings>();

const SignInLink = z
  .object({
    user: User,
    site_ids: z.array(z.string()),
    sign_in_url: z.string().openapi({ description: "The dashboard's /login?token=... page." }),
    api_sign_in_url: z.string().openapi({ description: "Its API form: a GET signs in and redirects to /." }),
    expires_at: z.string(),
  })
  .openapi("SignInLink");

userRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/users",
    tags: ["People and sign-in"],
    summary: "Make a person owner of sites and get a one-time sign-in link (bootstrap admin token)",
    description: "Idempotent per email: an existing person keeps their password and gets a fresh link.",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin-token")] as const,
    request: {
      body: {
        ...json(
          z.object({
            email: Email,
            name: z.string().trim().max(100).optional(),
            language: Language.optional(),
            site_ids: z.array(z.string().min(1).max(64)).min(1).max(50),
          }),
        ),
        required: true,
      },
    },
    responses: {
      201: { description: "The owner and their sign-in link", ...json(SignInLink) },
      400: { description: "Invalid", ...errors },
      403: { description: "Not the admin token", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const b = c.req.valid("json");
    const now = Date.now();
    const siteIds = [...new Set(b.site_ids)];
    for (const siteId of siteIds) await siteOr404(c.env.DB, { siteId });
    const user = await ensureUser(c.env.DB, {
      id: `usr_${randomToken(16)}`,
      email: b.email,
      name: b.name ?? "",
      language: b.language ?? "en",
      createdAt: now,
      updatedAt: now,
    });
    for (const siteId of siteIds) {
      await putMember(c.env.DB, { siteId }, { userId: user.id, role: "owner", partnerId: null }, now);
    }
    const link = await issueToken(c, { purpose: "sign_in", email: user.email, userId: user.id });
    const base = publicBase(c);
    return c.json(
      {
        user: userView(user),
        site_ids: siteIds,
        sign_in_url: `${base}/login?token=${link.token}`,
        api_sign_in_url: `${base}/api/v1/auth/sign-in?token=${link.token}`,
        expires_at: iso(link.expiresAt)!,
      },
      201,
    );
  },
);
