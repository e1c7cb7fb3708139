// Hashing, random ids, signed tokens and visitor ids with Web Crypto (no node:crypto: the edge
// bundle runs without nodejs_compat).

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** URL-safe random token; 24 chars of base62 carry about 143 bits. */
export function randomToken(length = 24): string {
  let out = "";
  while (out.length < length) {
    // Bytes >= 248 are rejected: 248 = 4 * 62, so every character stays equally likely.
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Base64url without padding (tokens, sealed values). */
export const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
export const fromB64url = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function hmac(key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data)));
}

/** A payload anyone can read but only the key holder can make: `base64url(json).base64url(hmac)`. */
export async function signToken(key: string, payload: unknown): Promise<string> {
  const body = b64url(new TextEncoder().encode(JSON.stringify(payload)));
  return `${body}.${b64url(await hmac(key, body))}`;
}

/** The payload of a token signed with `key`, or null when it was altered or made with another key. */
export async function verifyToken<T>(key: string, token: string): Promise<T | null> {
  const [body, signature] = token.split(".");
  if (!body || !signature) return null;
  try {
    if (!timingSafeEqual(b64url(await hmac(key, body)), signature)) return null;
    return JSON.parse(new TextDecoder().decode(fromB64url(body))) as T;
  } catch {
    return null;
  }
}

// Visitor ids without cookies: SHA-256 of a daily salt, the site, the IP and the user agent, as
// Plausible does. The salt rotates every UTC day and old salts are deleted (schema/queries/salts.ts),
// so yesterday's ids cannot be recomputed and no IP is ever stored.
export async function cookielessVisitorId(salt: string, siteId: string, ip: string, userAgent: string) {
  return `h_${(await sha256Hex(`${salt}|${siteId}|${ip}|${userAgent}`)).slice(0, 24)}`;
}

/** A first-party id (snippet cookie mode, or a back end's own id) is hashed too: ids stay opaque. */
export async function firstPartyVisitorId(siteId: string, id: string) {
  return `f_${(await sha256Hex(`${siteId}|${id}`)).slice(0, 24)}`;
}

/** For server events that only name a user and whose visitor is not known yet. */
export async function userVisitorId(siteId: string, userId: string) {
  return `u_${(await sha256Hex(`${siteId}|user|${userId}`)).slice(0, 24)}`;
}
