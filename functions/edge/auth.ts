// Secret-key authentication. Keys travel as `Authorization: Bearer KEY`; only their SHA-256 is stored.
// The bootstrap admin token is a Worker secret (ADMIN_TOKEN) and may act on every site.
// People sign in with a session cookie and act through their role in each site (lib/access.ts);
// share links (Bearer wf_sh_...) read some pages of one site. Cookie-authenticated writes must pass
// the same-origin check (lib/web-session.ts); Bearer requests cannot be forged cross-site.
import type { Context, MiddlewareHandler } from "hono";
import { findActiveKeyByHash } from "../../schema/queries/keys";
import type { SiteScope } from "../../schema/queries/scope";
import { sha256Hex, timingSafeEqual } from "../../core/hash";
import type { Permission } from "../../core/roles";
import type { AppBindings, AuthContext, Scope } from "./env";
import { ApiError } from "../shared/errors";
import { rolePermits, sharePermits } from "./lib/access";
import { sessionAuth, SHARE_TOKEN_PREFIX, shareAuth } from "./lib/accounts";
import { assertSameOrigin, isUnsafeMethod, sessionCookie } from "./lib/web-session";

/** A site's public (snippet) key, `data-site` on the tag: it only posts browser events to /api/collect. */
export const PUBLIC_KEY_PREFIX = "wf_pk_";

/**
 * Key lookups are cached per isolate briefly: a key revoked through another isolate stops working
 * within this time (the revoking isolate forgets it at once). Only found keys are cached, and at
 * most KEY_CACHE_MAX of them (least recently used first out), so random Bearer tokens cannot grow
 * the cache: each costs one indexed lookup instead.
 */
export const KEY_CACHE_TTL_MS = 30_000;
export const KEY_CACHE_MAX = 1000;
const keyCache = new Map<string, { auth: AuthContext; expires: number }>();

/** How many key lookups this isolate holds (tests check the bound). */
export const keyCacheSize = (): number => keyCache.size;

function bearer(c: Context): string {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "Send a secret key as `Authorization: Bearer KEY`.");
  return match[1]!;
}

/** Who is calling: a Bearer token (key, admin token, share link) first, else the session cookie. */
async function authenticate(c: Context<AppBindings>): Promise<AuthContext> {
  if (!c.req.header("authorization")) {
    const cookie = sessionCookie(c);
    if (!cookie)
      throw new ApiError(401, "unauthorized", "Sign in, or send a secret key as `Authorization: Bearer KEY`.");
    if (isUnsafeMethod(c.req.method)) assertSameOrigin(c);
    return sessionAuth(c, cookie);
  }
  const token = bearer(c);
  if (token.startsWith(SHARE_TOKEN_PREFIX)) return shareAuth(c, token);
  if (token.startsWith(PUBLIC_KEY_PREFIX)) {
    // The key users see first (in the snippet) is the one most often pasted here by mistake.
    throw new ApiError(
      401,
      "unauthorized",
      "This is a site's public (snippet) key: it only sends browser events to POST /api/collect. " +
        "The API needs a secret key (wf_sk_...): create one with POST /api/v1/sites/{id}/keys.",
      [{ path: "authorization", message: "A public key (wf_pk_...) cannot authenticate API requests." }],
    );
  }
  const hash = await sha256Hex(token);
  const admin = c.env.ADMIN_TOKEN;
  if (admin && timingSafeEqual(hash, await sha256Hex(admin))) return { kind: "admin" };

  const now = Date.now();
  const cached = keyCache.get(hash);
  if (cached) {
    keyCache.delete(hash); // re-inserted below: Map order is recency order
    if (cached.expires > now) {
      keyCache.set(hash, cached);
      return cached.auth;
    }
  }
  const row = await findActiveKeyByHash(c.env.DB, hash);
  if (!row) throw new ApiError(401, "unauthorized", "The key is unknown or revoked.");
  const auth: AuthContext = row.partnerId
    ? { kind: "partner", keyId: row.id, siteId: row.siteId, partnerId: row.partnerId }
    : { kind: "key", keyId: row.id, siteId: row.siteId, scopes: new Set(row.scopes.split(",") as Scope[]) };
  keyCache.set(hash, { auth, expires: now + KEY_CACHE_TTL_MS });
  while (keyCache.size > KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  return auth;
}

/** Forget cached lookups (after a key is revoked in this isolate). */
export function clearKeyCache(): void {
  keyCache.clear();
}

/**
 * Requires the admin token or a key holding `scope` (a key with `admin` holds every scope); a person
 * whose role allows it in some site (siteScope then checks the site named); a share link for reads
 * of its pages. `owner` (members) is for site owners and the admin token only.
 */
export function requireScope(scope: Permission): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const auth = await authenticate(c);
    if (auth.kind === "partner") {
      throw new ApiError(403, "forbidden", "A partner key reads only its own records, under /api/v1/portal.");
    }
    if (auth.kind === "key") {
      if (scope === "admin-token") throw new ApiError(403, "forbidden", "This needs the bootstrap admin token.");
      if (scope === "owner") throw new ApiError(403, "forbidden", "Only a site owner manages its members.");
      if (!auth.scopes.has(scope) && !auth.scopes.has("admin")) {
        throw new ApiError(403, "forbidden", `This key lacks the \`${scope}\` scope.`);
      }
    }
    if (auth.kind === "user" && !auth.memberships.some((m) => rolePermits(m.role, scope, c.req.path))) {
      throw new ApiError(403, "forbidden", "Your role does not allow this.");
    }
    if (auth.kind === "share" && !sharePermits(auth.pages, scope, c.req.method, c.req.path)) {
      throw new ApiError(403, "forbidden", "This share link only reads the pages it was made for.");
    }
    c.set("auth", auth);
    c.set("need", scope);
    await next();
  };
}

/**
 * Only the partner portal: a partner key, or a signed-in partner member (of the site in `site_id`
 * when they partner with several). The handler then sees nothing but that partner's records.
 */
export function requirePartner(): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    let auth = await authenticate(c);
    if (auth.kind === "user") {
      const named = c.req.query("site_id");
      const mine = auth.memberships.filter((m) => m.role === "partner" && (!named || m.siteId === named));
      if (mine.length === 1 && mine[0]!.partnerId) {
        auth = { kind: "partner", keyId: null, siteId: mine[0]!.siteId, partnerId: mine[0]!.partnerId };
      } else if (mine.length > 1) {
        throw new ApiError(400, "validation_failed", "Name the site.", [
          { path: "site_id", message: "You are a partner of several sites." },
        ]);
      }
    }
    if (auth.kind !== "partner") throw new ApiError(403, "forbidden", "The portal needs a partner key.");
    c.set("auth", auth);
    await next();
  };
}

/** Any caller at all (who-am-I); scope checks are the handler's. */
export function requireAuth(): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    c.set("auth", await authenticate(c));
    await next();
  };
}

/** The partner key of a portal request (requirePartner ran). */
export function partnerScope(c: Context<AppBindings>): { siteId: string; partnerId: string } {
  const auth = c.get("auth");
  if (auth.kind !== "partner") throw new ApiError(403, "forbidden", "The portal needs a partner key.");
  return { siteId: auth.siteId, partnerId: auth.partnerId };
}

/**
 * The site a request acts on. A key acts only on its own site; naming another is refused.
 * The admin token names the site in the path or in `site_id`.
 */
export function siteScope(c: Context<AppBindings>, requested?: string | null): SiteScope {
  const auth = c.get("auth");
  const named = requested ?? c.req.query("site_id") ?? null;
  if (auth.kind === "user") return memberSite(c, auth.memberships, named);
  if (auth.kind !== "admin") {
    if (named && named !== auth.siteId) throw new ApiError(403, "forbidden", "This key belongs to another site.");
    return { siteId: auth.siteId };
  }
  if (!named) {
    throw new ApiError(400, "validation_failed", "Name the site.", [
      { path: "site_id", message: "Required with the admin token." },
    ]);
  }
  return { siteId: named };
}

/**
 * A person acts on the site named, or on their only site; their role there must allow what the
 * route needs (the middleware only checked that some role of theirs does).
 */
function memberSite(
  c: Context<AppBindings>,
  memberships: Extract<AuthContext, { kind: "user" }>["memberships"],
  named: string | null,
): SiteScope {
  const sites = memberships.filter((m) => m.role !== "partner");
  if (!named && sites.length > 1) {
    throw new ApiError(400, "validation_failed", "Name the site.", [
      { path: "site_id", message: "Required: you belong to several sites." },
    ]);
  }
  const m = named ? memberships.find((x) => x.siteId === named) : sites[0];
  if (!m) throw new ApiError(403, "forbidden", "You are not a member of this site.");
  if (!rolePermits(m.role, c.get("need") ?? "owner", c.req.path)) {
    throw new ApiError(403, "forbidden", `Your role in this site (${m.role}) does not allow this.`);
  }
  return { siteId: m.siteId };
}

/** The sites a caller may list: null for the admin token (all of them). */
export function visibleSiteIds(auth: AuthContext): string[] | null {
  if (auth.kind === "admin") return null;
  if (auth.kind === "user") return auth.memberships.filter((m) => m.role !== "partner").map((m) => m.siteId);
  return [auth.siteId];
}
