// Passwords: a reset by emailed one-time link (the request always answers 202, so it tells no one
// whether an account exists), and a change by the signed-in person.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sha256Hex } from "../../../core/hash";
import { hashPassword, verifyPassword } from "../../../core/password";
import { asLanguage, passwordResetMail, sendAccountMail } from "../../../jobs/accounts/mail";
import { useToken, voidTokens } from "../../../schema/queries/account-tokens";
import { deleteUserSessions } from "../../../schema/queries/auth-sessions";
import { findUserByEmail, getUser, setPassword } from "../../../schema/queries/users";
import { requireAuth } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, json } from "../../shared/openapi";
import { Email, OneTimeToken, Password, SignedIn, userView } from "../lib/account-views";
import { issueToken, resetAllowed, startSession, TOKEN_TTL_MS } from "../lib/accounts";
import { assertSameOrigin, publicBase } from "../lib/web-session";

export const passwordRoutes = new OpenAPIHono<AppBindings>();
const tags = ["People and sign-in"];

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/password-reset",
    tags,
    summary: "Email a one-time password reset link (valid 1 hour); always 202",
    request: { body: { ...json(z.object({ email: Email })), required: true } },
    responses: {
      202: {
        description: "If the account exists, the link is on its way",
        ...json(z.object({ accepted: z.boolean() })),
      },
      400: { description: "Invalid", ...errors },
    },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    // The lookup and the email happen after the answer, so its timing is the same for every address.
    c.executionCtx.waitUntil(
      (async () => {
        const user = await findUserByEmail(c.env.DB, email);
        if (!user || !(await resetAllowed(c, email))) return;
        const { token } = await issueToken(c, { purpose: "reset", email, userId: user.id });
        const url = `${publicBase(c)}/reset-password?token=${token}`;
        const mail = passwordResetMail({
          language: asLanguage(user.language),
          url,
          expiresMinutes: TOKEN_TTL_MS.reset / 60_000,
        });
        await sendAccountMail(c.env, email, mail);
      })().catch((err) => console.error("password reset email failed", { email, error: String(err) })),
    );
    return c.json({ accepted: true }, 202);
  },
);

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/password-reset/confirm",
    tags,
    summary: "Set a new password with the emailed link's token; signs out every session, then signs in",
    request: { body: { ...json(z.object({ token: OneTimeToken, password: Password })), required: true } },
    responses: {
      200: { description: "Password set and signed in", ...json(SignedIn) },
      400: { description: "Invalid, used or expired link", ...errors },
      403: { description: "Not from this site's pages", ...errors },
    },
  }),
  async (c) => {
    assertSameOrigin(c);
    const b = c.req.valid("json");
    const now = Date.now();
    const row = await useToken(c.env.DB, "reset", await sha256Hex(b.token), now);
    const user = row?.userId ? await getUser(c.env.DB, row.userId) : undefined;
    if (!row || !user) throw new ApiError(400, "invalid_token", "The reset link is invalid, used or expired.");
    await setPassword(c.env.DB, user.id, await hashPassword(b.password), now);
    await voidTokens(c.env.DB, "reset", user.email, now);
    await deleteUserSessions(c.env.DB, user.id);
    await startSession(c, user.id);
    return c.json({ user: userView({ ...user, passwordHash: "set" }), redirect_to: "/" }, 200);
  },
);

passwordRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/password",
    tags,
    summary: "Change the signed-in person's password (the current one is required once one is set)",
    security: [{ session: [] }],
    middleware: [requireAuth()] as const,
    request: {
      body: {
        ...json(z.object({ current_password: z.string().max(200).optional(), new_password: Password })),
        required: true,
      },
    },
    responses: {
      204: { description: "Changed" },
      400: { description: "Invalid", ...errors },
      401: { description: "Not signed in, or the current password is wrong", ...errors },
      403: { description: "Not a person's session", ...errors },
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    if (auth.kind !== "user") throw new ApiError(403, "forbidden", "Only a signed-in person has a password.");
    const b = c.req.valid("json");
    const user = await getUser(c.env.DB, auth.userId);
    if (!user) throw new ApiError(401, "unauthorized", "Sign in again.");
    if (user.passwordHash && !(await verifyPassword(b.current_password ?? "", user.passwordHash))) {
      throw new ApiError(401, "invalid_credentials", "The current password is wrong.", [
        { path: "current_password", message: "Does not match." },
      ]);
    }
    await setPassword(c.env.DB, user.id, await hashPassword(b.new_password), Date.now());
    return c.body(null, 204);
  },
);
