// The people of a site: list (admin), invite by email, change a role, remove (owners only). A site
// always keeps at least one owner. Invitations are one-time links in an email, never in the answer.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ROLES, type Role } from "../../../core/roles";
import { invitationMail, sendAccountMail } from "../../../jobs/accounts/mail";
import {
  deleteToken,
  pendingInvitations,
  voidInvitations,
  withdrawInvitation,
} from "../../../schema/queries/account-tokens";
import { getPartner } from "../../../schema/queries/partners";
import type { SiteScope } from "../../../schema/queries/scope";
import {
  changeRole,
  findUserByEmail,
  getMember,
  getUser,
  listMembers,
  removeMember,
} from "../../../schema/queries/users";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, json } from "../../shared/openapi";
import { Email, Language, sessionSecurity } from "../lib/account-views";
import { issueToken, TOKEN_TTL_MS } from "../lib/accounts";
import { siteOr404 } from "../lib/sites";
import { publicBase } from "../lib/web-session";

export const memberRoutes = new OpenAPIHono<AppBindings>();
const tags = ["People and sign-in"];
const pathId = (name: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: "path" } });
const SiteParam = z.object({ id: pathId("id") });

const Member = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    partner_id: z.string().nullable(),
    joined_at: z.string(),
  })
  .openapi("Member");
const Invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    partner_id: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string(),
  })
  .openapi("Invitation");
const RoleInput = z.object({
  role: z.enum(ROLES),
  partner_id: z.string().min(1).max(128).optional().openapi({ description: "Required for role partner." }),
});

/** A partner role names an existing partner of the site; other roles name none. */
async function partnerFor(db: SiteDatabase, scope: SiteScope, role: Role, partnerId: string | undefined) {
  if (role !== "partner") {
    if (partnerId) throw invalid("partner_id", "Only for role partner.");
    return null;
  }
  if (!partnerId) throw invalid("partner_id", "Required for role partner.");
  if (!(await getPartner(db, scope, partnerId))) throw invalid("partner_id", "No such partner in this site.");
  return partnerId;
}

const invalid = (path: string, message: string) =>
  new ApiError(400, "validation_failed", "The request did not validate.", [{ path, message }]);

memberRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/sites/{id}/members",
    tags,
    summary: "List a site's members and pending invitations (owner or admin)",
    security: sessionSecurity,
    middleware: [requireScope("admin")] as const,
    request: { params: SiteParam },
    responses: {
      200: { description: "Members", ...json(z.object({ data: z.array(Member), invitations: z.array(Invitation) })) },
      403: { description: "Not allowed", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    const [members, invites] = await Promise.all([
      listMembers(c.env.DB, scope),
      pendingInvitations(c.env.DB, scope, Date.now()),
    ]);
    return c.json(
      {
        data: members.map((m) => ({
          user_id: m.userId,
          email: m.email,
          name: m.name,
          role: m.role as Role,
          partner_id: m.partnerId,
          joined_at: iso(m.createdAt)!,
        })),
        invitations: invites.map((i) => ({
          id: i.id,
          email: i.email,
          role: i.role as Role,
          partner_id: i.partnerId,
          created_at: iso(i.createdAt)!,
          expires_at: iso(i.expiresAt)!,
        })),
      },
      200,
    );
  },
);

memberRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/sites/{id}/members",
    tags,
    summary: "Invite someone by email to a role in the site (owner); the link in the email works once, for 7 days",
    description: "The email is in `language`, else the inviter's language. A new invitation replaces a pending one.",
    security: sessionSecurity,
    middleware: [requireScope("owner")] as const,
    request: {
      params: SiteParam,
      body: { ...json(RoleInput.extend({ email: Email, language: Language.optional() })), required: true },
    },
    responses: {
      201: { description: "Invited", ...json(Invitation) },
      400: { description: "Invalid", ...errors },
      403: { description: "Not the site's owner", ...errors },
      409: { description: "Already a member", ...errors },
      502: { description: "The email could not be sent; no invitation was kept", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    const site = await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const partnerId = await partnerFor(siteDatabase(c.env, scope.siteId), scope, b.role, b.partner_id);
    const existing = await findUserByEmail(c.env.DB, b.email);
    if (existing && (await getMember(c.env.DB, scope, existing.id))) {
      throw new ApiError(409, "already_member", "This person is already a member: change their role instead.");
    }
    const auth = c.get("auth");
    const inviter = auth.kind === "user" ? await getUser(c.env.DB, auth.userId) : undefined;
    const now = Date.now();
    await voidInvitations(c.env.DB, scope, b.email, now);
    const invite = await issueToken(c, {
      purpose: "invite",
      email: b.email,
      siteId: scope.siteId,
      role: b.role,
      partnerId,
      createdBy: inviter?.id ?? null,
    });
    const mail = invitationMail({
      language: b.language ?? (inviter?.language === "zh-CN" ? "zh-CN" : "en"),
      siteName: site.name,
      inviter: inviter ? inviter.name || inviter.email : "Wayfind",
      role: b.role,
      url: `${publicBase(c)}/invite?token=${invite.token}`,
      expiresDays: TOKEN_TTL_MS.invite / 86_400_000,
    });
    try {
      await sendAccountMail(c.env, b.email, mail);
    } catch (err) {
      await deleteToken(c.env.DB, invite.id);
      console.error("invitation email failed", { siteId: scope.siteId, email: b.email, error: String(err) });
      throw new ApiError(502, "email_failed", `The invitation email could not be sent: ${String(err)}`);
    }
    return c.json(
      {
        id: invite.id,
        email: b.email,
        role: b.role,
        partner_id: partnerId,
        created_at: iso(now)!,
        expires_at: iso(invite.expiresAt)!,
      },
      201,
    );
  },
);

const MemberParam = SiteParam.extend({ userId: pathId("userId") });

memberRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/api/v1/sites/{id}/members/{userId}",
    tags,
    summary: "Change a member's role (owner); making someone owner shares ownership",
    security: sessionSecurity,
    middleware: [requireScope("owner")] as const,
    request: { params: MemberParam, body: { ...json(RoleInput), required: true } },
    responses: {
      200: { description: "Changed", ...json(z.object({ user_id: z.string(), role: z.enum(ROLES) })) },
      403: { description: "Not the site's owner", ...errors },
      404: { description: "Not a member", ...errors },
      409: { description: "The site's last owner", ...errors },
    },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    const scope = siteScope(c, id);
    const b = c.req.valid("json");
    const partnerId = await partnerFor(siteDatabase(c.env, scope.siteId), scope, b.role, b.partner_id);
    const outcome = await changeRole(c.env.DB, scope, userId, b.role, partnerId);
    if (outcome === "missing") throw new ApiError(404, "not_found", "No such member in this site.");
    if (outcome === "last_owner") throw lastOwner();
    return c.json({ user_id: userId, role: b.role }, 200);
  },
);

const lastOwner = () => new ApiError(409, "last_owner", "A site needs an owner: make someone else owner first.");

memberRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/sites/{id}/members/{userId}",
    tags,
    summary: "Remove a member (owner); it takes effect on their next request",
    security: sessionSecurity,
    middleware: [requireScope("owner")] as const,
    request: { params: MemberParam },
    responses: {
      204: { description: "Removed" },
      403: { description: "Not the site's owner", ...errors },
      404: { description: "Not a member", ...errors },
      409: { description: "The site's last owner", ...errors },
    },
  }),
  async (c) => {
    const { id, userId } = c.req.valid("param");
    const outcome = await removeMember(c.env.DB, siteScope(c, id), userId);
    if (outcome === "missing") throw new ApiError(404, "not_found", "No such member in this site.");
    if (outcome === "last_owner") throw lastOwner();
    return c.body(null, 204);
  },
);

memberRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/sites/{id}/invitations/{invitationId}",
    tags,
    summary: "Withdraw a pending invitation (owner); its link stops working",
    security: sessionSecurity,
    middleware: [requireScope("owner")] as const,
    request: { params: SiteParam.extend({ invitationId: pathId("invitationId") }) },
    responses: {
      204: { description: "Withdrawn" },
      404: { description: "No such pending invitation", ...errors },
    },
  }),
  async (c) => {
    const { id, invitationId } = c.req.valid("param");
    if (!(await withdrawInvitation(c.env.DB, siteScope(c, id), invitationId, Date.now()))) {
      throw new ApiError(404, "not_found", "No such pending invitation in this site.");
    }
    return c.body(null, 204);
  },
);
