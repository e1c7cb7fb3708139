// Secret-key authentication. Keys travel as `Authorization: Bearer KEY`; only their SHA-256 is stored.
// The bootstrap admin token is a Worker secret (ADMIN_TOKEN) and may act on every site.
import type { Context, MiddlewareHandler } from "hono";
import { findActiveKeyByHash } from "../../schema/queries/keys";
import type { SiteScope } from "../../schema/queries/scope";
import { sha256Hex, timingSafeEqual } from "../../core/hash";
import type { AppBindings, AuthContext, Scope } from "./env";
import { ApiError } from "../shared/errors";

/** Key lookups are cached per isolate briefly: a revoked key stops working within this time. */
export const KEY_CACHE_TTL_MS = 30_000;
const keyCache = new Map<string, { auth: AuthContext | null; expires: number }>();

function bearer(c: Context): string {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "Send a secret key as `Authorization: Bearer KEY`.");
  return match[1]!;
}

async function authenticate(c: Context<AppBindings>): Promise<AuthContext> {
  const token = bearer(c);
  const hash = await sha256Hex(token);
  const admin = c.env.ADMIN_TOKEN;
  if (admin && timingSafeEqual(hash, await sha256Hex(admin))) return { kind: "admin" };

  const now = Date.now();
  const cached = keyCache.get(hash);
  let auth = cached && cached.expires > now ? cached.auth : undefined;
  if (auth === undefined) {
    const row = await findActiveKeyByHash(c.env.DB, hash);
    auth = !row
      ? null
      : row.partnerId
        ? { kind: "partner", keyId: row.id, siteId: row.siteId, partnerId: row.partnerId }
        : { kind: "key", keyId: row.id, siteId: row.siteId, scopes: new Set(row.scopes.split(",") as Scope[]) };
    keyCache.set(hash, { auth, expires: now + KEY_CACHE_TTL_MS });
  }
  if (!auth) throw new ApiError(401, "unauthorized", "The key is unknown or revoked.");
  return auth;
}

/** Forget cached lookups (after a key is revoked in this isolate). */
export function clearKeyCache(): void {
  keyCache.clear();
}

/** Requires the admin token or a key holding `scope` (a key with `admin` holds every scope). */
export function requireScope(scope: Scope | "admin-token"): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const auth = await authenticate(c);
    if (auth.kind === "partner") {
      throw new ApiError(403, "forbidden", "A partner key reads only its own records, under /api/v1/portal.");
    }
    if (auth.kind === "key") {
      if (scope === "admin-token") throw new ApiError(403, "forbidden", "This needs the bootstrap admin token.");
      if (!auth.scopes.has(scope) && !auth.scopes.has("admin")) {
        throw new ApiError(403, "forbidden", `This key lacks the \`${scope}\` scope.`);
      }
    }
    c.set("auth", auth);
    await next();
  };
}

/** Only a partner portal key; the handler then sees nothing but that partner's records. */
export function requirePartner(): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const auth = await authenticate(c);
    if (auth.kind !== "partner") throw new ApiError(403, "forbidden", "The portal needs a partner key.");
    c.set("auth", auth);
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
