// Password hashing with Web Crypto PBKDF2-SHA256 (the edge bundle has no node:crypto). The
// iteration count and salt travel with the hash ("pbkdf2-sha256$100000$salt$hash"), so the cost can
// rise later and old hashes still verify. workerd refuses more than 100,000 iterations.
import { timingSafeEqual } from "./hash";

export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromB64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** A new hash with a fresh random salt. */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return `${SCHEME}$${iterations}$${b64(salt)}$${b64(await derive(password, salt, iterations))}`;
}

/** True when `password` matches `stored`; a malformed hash never matches. Compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, rounds, salt, hash] = stored.split("$");
  const iterations = Number(rounds);
  if (scheme !== SCHEME || !salt || !hash || !Number.isInteger(iterations) || iterations < 1) return false;
  if (iterations > PASSWORD_ITERATIONS) return false; // workerd would refuse to derive it
  return timingSafeEqual(b64(await derive(password, fromB64(salt), iterations)), hash);
}

/**
 * A well-formed hash of no one's password. Verifying against it when the email is unknown makes a
 * login for a missing account cost the same as one for a real account (no enumeration by timing).
 */
export const UNKNOWN_USER_HASH = `${SCHEME}$${PASSWORD_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA==$${"A".repeat(43)}=`;
