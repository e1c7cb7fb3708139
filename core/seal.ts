// Secrets at rest: text sealed with AES-256-GCM under a key derived (HKDF-SHA-256) from a Worker
// secret. The row it belongs to is bound as associated data, so a sealed value copied into another
// row (another site, another provider) does not open. Web Crypto only: runs in workerd and Node.
import { b64url, fromB64url } from "./hash";

const VERSION = "v1";
const encoder = new TextEncoder();

async function sealingKey(secret: string, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("wayfind/seal"), info: encoder.encode(VERSION) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

/** `v1.<iv>.<ciphertext>` (base64url): `plaintext` encrypted for the row named by `context`. */
export async function seal(secret: string, context: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await sealingKey(secret, "encrypt");
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return `${VERSION}.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

/** The plaintext, or null when the value was altered, made for another row, or sealed under another secret. */
export async function unseal(secret: string, context: string, value: string): Promise<string | null> {
  const [version, iv, data] = value.split(".");
  if (version !== VERSION || !iv || !data) return null;
  try {
    const key = await sealingKey(secret, "decrypt");
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64url(iv), additionalData: encoder.encode(context) },
      key,
      fromB64url(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null; // a wrong key or tampered value fails authentication: the caller reports it
  }
}
