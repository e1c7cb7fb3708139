// POST /api/v1/invitations/accept: the invitee's side of an emailed invitation. A new person sets
// a password and is signed in; someone who already has an account just gains the role (they sign
// in with their own password), so a link never signs anyone into an existing account.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomToken, sha256Hex } from "../../../core/hash";
import { hashPassword } from "../../../core/password";
import { ROLES, type Role } from "../../../core/roles";
import { findUsableToken, useToken } from "../../../schema/queries/account-tokens";
import { ensureUser, findUserByEmail, putMember } from "../../../schema/queries/users";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, json } from "../../shared/openapi";
import { Language, OneTimeToken, Password, User, userView } from "../lib/account-views";
import { startSession } from "../lib/accounts";
import { assertSameOrigin } from "../lib/web-session";

export const invitationRoutes = new OpenAPIHono<AppBindings>();

const Accepted = z
  .object({
    site_id: z.string(),
    role: z.enum(ROLES),
    user: User,
    signed_in: z.boolean().openapi({ description: "False for an existing account: sign in with its password." }),
  })
  .openapi("InvitationAccepted");

invitationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/invitations/accept",
    tags: ["People and sign-in"],
    summary: "Accept an invitation with the token from its email (works once)",
    request: {
      body: {
        ...json(
          z.object({
            token: OneTimeToken,
            password: Password.optional().openapi({ description: "Required when the email has no account yet." }),
            name: z.string().trim().max(100).optional(),
            language: Language.optional(),
          }),
        ),
        required: true,
      },
    },
    responses: {
      200: { description: "Accepted", ...json(Accepted) },
      400: { description: "Invalid, used or expired invitation; or a password is needed", ...errors },
      403: { description: "Not from this site's pages", ...errors },
      409: { description: "It would demote the site's last owner", ...errors },
    },
  }),
  async (c) => {
    assertSameOrigin(c);
    const b = c.req.valid("json");
    const now = Date.now();
    const hash = await sha256Hex(b.token);
    const invite = await findUsableToken(c.env.DB, "invite", hash, now);
    if (!invite?.siteId || !invite.role) throw invalidToken();
    const existing = await findUserByEmail(c.env.DB, invite.email);
    if (!existing && !b.password) {
      throw new ApiError(400, "validation_failed", "Choose a password for the new account.", [
        { path: "password", message: "Required: this email has no account yet." },
      ]);
    }
    const passwordHash = existing ? null : await hashPassword(b.password!);
    if (!(await useToken(c.env.DB, "invite", hash, now))) throw invalidToken(); // used meanwhile
    const newId = `usr_${randomToken(16)}`;
    const user =
      existing ??
      (await ensureUser(c.env.DB, {
        id: newId,
        email: invite.email,
        name: b.name ?? "",
        passwordHash,
        language: b.language ?? "en",
        createdAt: now,
        updatedAt: now,
      }));
    const role = invite.role as Role;
    const member = { userId: user.id, role, partnerId: invite.partnerId };
    if (!(await putMember(c.env.DB, { siteId: invite.siteId }, member, now))) {
      throw new ApiError(409, "last_owner", "This would leave the site without an owner.");
    }
    // Only an account this link just created is signed in (not one that appeared meanwhile).
    const signIn = user.id === newId;
    if (signIn) await startSession(c, user.id);
    return c.json({ site_id: invite.siteId, role, user: userView(user), signed_in: signIn }, 200);
  },
);

const invalidToken = () => new ApiError(400, "invalid_token", "The invitation link is invalid, used or expired.");
