// Signing in and out with email and password, and the one-time sign-in link made by POST /api/v1/users.
// Every answer that sets or clears the session cookie first passes the same-origin check (CSRF).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { UNKNOWN_USER_HASH, verifyPassword } from "../../../core/password";
import { sha256Hex } from "../../../core/hash";
import { useToken } from "../../../schema/queries/account-tokens";
import { deleteSession, deleteUserSessions } from "../../../schema/queries/auth-sessions";
import { findUserByEmail } from "../../../schema/queries/users";
import { requireAuth } from "../auth";
import type { AppBindings } from "../env";
import { ApiError, errorBody } from "../../shared/errors";
import { errors, json } from "../../shared/openapi";
import { Email, OneTimeToken, SignedIn, userView } from "../lib/account-views";
import { loginFailed, loginRetryAfter, loginSucceeded, startSession } from "../lib/accounts";
import { assertSameOrigin, clearSessionCookie, safeNextPath, sessionCookie } from "../lib/web-session";

export const authRoutes = new OpenAPIHono<AppBindings>();
const tags = ["People and sign-in"];
const Next = z
  .string()
  .max(2000)
  .optional()
  .openapi({ description: "Where to go after signing in: a path on this site." });

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/login",
    tags,
    summary: "Sign in with email and password; sets the session cookie",
    description:
      "Send `x-wayfind-csrf: 1` from this site's own pages. After 5 failures for an account in 15 minutes, " +
      "or 20 from one client, the answer is 429 with Retry-After.",
    request: {
      body: { ...json(z.object({ email: Email, password: z.string().min(1).max(200), next: Next })), required: true },
    },
    responses: {
      200: { description: "Signed in", ...json(SignedIn) },
      400: { description: "Invalid", ...errors },
      401: { description: "Wrong email or password", ...errors },
      403: { description: "Not from this site's pages", ...errors },
      429: { description: "Too many failures: retry after the Retry-After seconds", ...errors },
    },
  }),
  async (c) => {
    assertSameOrigin(c);
    const b = c.req.valid("json");
    const redirectTo = safeNextPath(c, b.next);
    const retryAfter = await loginRetryAfter(c, b.email);
    if (retryAfter !== null) {
      return c.json(
        errorBody("too_many_attempts", `Too many failed sign-ins. Try again in ${retryAfter} seconds.`),
        429,
        { "retry-after": String(retryAfter) },
      );
    }
    const user = await findUserByEmail(c.env.DB, b.email);
    // An unknown email costs the same PBKDF2 work as a known one: the timing tells nothing.
    const ok = await verifyPassword(b.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !user.passwordHash || !ok) {
      await loginFailed(c, b.email);
      throw new ApiError(401, "invalid_credentials", "The email or password is wrong.");
    }
    await loginSucceeded(c, b.email);
    await startSession(c, user.id);
    return c.json({ user: userView(user), redirect_to: redirectTo }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/logout",
    tags,
    summary: "Sign out this session (clears the cookie)",
    responses: {
      204: { description: "Signed out (also when there was no session)" },
      403: { description: "Not from this site's pages", ...errors },
    },
  }),
  async (c) => {
    const token = sessionCookie(c);
    if (token) {
      assertSameOrigin(c);
      await deleteSession(c.env.DB, await sha256Hex(token));
    }
    clearSessionCookie(c);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/auth/logout-all",
    tags,
    summary: "Sign out every session of the signed-in person, on every device",
    security: [{ session: [] }],
    middleware: [requireAuth()] as const,
    responses: {
      200: { description: "Signed out", ...json(z.object({ signed_out: z.number().int() })) },
      401: { description: "Not signed in", ...errors },
      403: { description: "Not a person's session, or not from this site's pages", ...errors },
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    if (auth.kind !== "user") throw new ApiError(403, "forbidden", "Only a signed-in person has sessions.");
    const count = await deleteUserSessions(c.env.DB, auth.userId);
    clearSessionCookie(c);
    return c.json({ signed_out: count }, 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/auth/sign-in",
    tags,
    summary: "Use a one-time sign-in link: signs in, then redirects to `next` (a path on this site)",
    description: "The API form of the /login?token=... link that POST /api/v1/users returns. Works once.",
    request: { query: z.object({ token: OneTimeToken, next: Next }) },
    responses: {
      303: { description: "Signed in; Location is the same-origin `next` (default /)" },
      400: { description: "The link is invalid, used or expired; or `next` leaves this site", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const next = safeNextPath(c, q.next); // before the token is used: a bad `next` costs nothing
    const row = await useToken(c.env.DB, "sign_in", await sha256Hex(q.token), Date.now());
    if (!row?.userId) throw new ApiError(400, "invalid_token", "The sign-in link is invalid, used or expired.");
    await startSession(c, row.userId);
    return c.redirect(next, 303);
  },
);
