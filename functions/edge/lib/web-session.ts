// The browser side of a sign-in: the session cookie, the same-origin check that guards
// cookie-authenticated writes (CSRF), and same-origin `next` paths (no open redirects).
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ApiError } from "../../shared/errors";
import type { AppBindings } from "../env";

export const SESSION_COOKIE = "wf_session";
/** Cookie-authenticated writes must carry this header (value "1"): a cross-site form cannot send it. */
export const CSRF_HEADER = "x-wayfind-csrf";

/** Plain http is allowed only for a local origin; everywhere else the cookie is Secure. */
function isLocalHttp(url: URL): boolean {
  return url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
}

/** The cookie lives until the session's absolute cap; D1 decides the sliding expiry before that. */
export function setSessionCookie(c: Context<AppBindings>, token: string, absoluteExpiresAt: number): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: !isLocalHttp(new URL(c.req.url)),
    expires: new Date(absoluteExpiresAt),
    maxAge: Math.max(0, Math.floor((absoluteExpiresAt - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(c: Context<AppBindings>): void {
  deleteCookie(c, SESSION_COOKIE, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: !isLocalHttp(new URL(c.req.url)),
  });
}

export function sessionCookie(c: Context<AppBindings>): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** This Worker's own origins: the one the request reached, and PUBLIC_URL's. */
function ownOrigins(c: Context<AppBindings>): string[] {
  const origins = [new URL(c.req.url).origin];
  if (c.env.PUBLIC_URL) origins.push(new URL(c.env.PUBLIC_URL).origin);
  return origins;
}

/**
 * Refuses a cookie-authenticated write that did not come from our own pages: the Origin (or, when
 * a browser leaves it out, the Referer) must be this Worker's, and the custom header must be there.
 */
export function assertSameOrigin(c: Context<AppBindings>): void {
  const origin = c.req.header("origin") ?? refererOrigin(c.req.header("referer"));
  if (!origin || !ownOrigins(c).includes(origin)) {
    throw new ApiError(403, "csrf_failed", "A signed-in write must come from this site's own pages (Origin).");
  }
  if (c.req.header(CSRF_HEADER) !== "1") {
    throw new ApiError(403, "csrf_failed", `A signed-in write must send the \`${CSRF_HEADER}: 1\` header.`);
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined; // a malformed Referer names no origin: the check then refuses the request
  }
}

export const isUnsafeMethod = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());

/**
 * A `next` location must be a path on this origin ("/reports?x=1"); "//evil.com", "https://evil.com",
 * "/\\evil.com" and anything that resolves elsewhere are refused.
 */
export function safeNextPath(c: Context<AppBindings>, next: string | undefined, field = "next"): string {
  if (next === undefined || next === "") return "/";
  const origin = new URL(c.req.url).origin;
  let resolved: URL | undefined;
  if (next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") && !/[\x00-\x1f]/.test(next)) {
    resolved = new URL(next, origin);
  }
  if (!resolved || resolved.origin !== origin) {
    throw new ApiError(400, "validation_failed", "The redirect must be a path on this site.", [
      { path: field, message: "Use a path starting with a single /." },
    ]);
  }
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** Where links in emails and sign-in links point: PUBLIC_URL, else the origin the request reached. */
export function publicBase(c: Context<AppBindings>): string {
  return (c.env.PUBLIC_URL ?? new URL(c.req.url).origin).replace(/\/$/, "");
}
