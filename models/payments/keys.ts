// RSA public keys as providers hand them out: PEM "PUBLIC KEY" (WeChat Pay's public key), PEM
// "CERTIFICATE" (WeChat Pay's platform certificate: only its key and serial number are read; the
// site vouches for the certificate by configuring it) or bare base64 (Alipay's console). Imported
// for RSASSA-PKCS1-v1_5 with SHA-256, the scheme both providers sign with.

export const base64ToBytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export const bytesToBase64 = (bytes: Uint8Array) => {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};

export class KeyFormatError extends Error {
  override readonly name = "KeyFormatError";
}

/** A DER element: its tag, where it begins, and where its content lies. */
interface Tlv {
  tag: number;
  at: number;
  start: number;
  end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  if (at + 2 > der.length) throw new KeyFormatError("Truncated DER.");
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) throw new KeyFormatError("Bad DER length.");
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  if (start + length > der.length) throw new KeyFormatError("Truncated DER.");
  return { tag, at, start, end: start + length };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const tlv = readTlv(der, at);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const VERSION_TAG = 0xa0; // [0] EXPLICIT Version

/** The SubjectPublicKeyInfo and serial number (upper-case hex, as WeChat's headers carry it) of an X.509 certificate. */
export function certificateKey(der: Uint8Array): { spki: Uint8Array; serial: string } {
  const cert = readTlv(der, 0);
  if (cert.tag !== SEQUENCE) throw new KeyFormatError("Not a certificate.");
  const [tbs] = children(der, cert);
  if (!tbs || tbs.tag !== SEQUENCE) throw new KeyFormatError("Not a certificate.");
  const fields = children(der, tbs);
  if (fields[0]?.tag === VERSION_TAG) fields.shift();
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const [serial, , , , , spki] = fields;
  if (serial?.tag !== INTEGER || spki?.tag !== SEQUENCE) throw new KeyFormatError("Not a certificate.");
  let digits = [...der.subarray(serial.start, serial.end)].map((b) => b.toString(16).padStart(2, "0")).join("");
  digits = digits.replace(/^(00)+(?=.)/, ""); // DER pads positive serials with a zero byte
  return { spki: der.slice(spki.at, spki.end), serial: digits.toUpperCase() };
}

export interface ParsedKey {
  spki: Uint8Array;
  /** Set when the key came in a certificate. */
  serial: string | null;
}

/** A public key from PEM (public key or certificate) or bare base64; throws KeyFormatError. */
export function parsePublicKey(text: string): ParsedKey {
  const trimmed = text.trim();
  const pem = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(trimmed);
  const label = pem ? pem[1] : "PUBLIC KEY";
  const body = (pem ? pem[2]! : trimmed).replace(/\s+/g, "");
  let der: Uint8Array;
  try {
    der = base64ToBytes(body);
  } catch (err) {
    throw new KeyFormatError("The key is not base64 or PEM.", { cause: err });
  }
  if (der.length === 0) throw new KeyFormatError("The key is empty.");
  if (label === "CERTIFICATE") return certificateKey(der);
  if (label !== "PUBLIC KEY") throw new KeyFormatError(`Expected a PUBLIC KEY or CERTIFICATE, got ${label}.`);
  return { spki: der, serial: null };
}

const RSA_SHA256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/** The key, ready to verify SHA256withRSA signatures; throws KeyFormatError when it is no RSA key. */
export async function importRsaPublicKey(text: string): Promise<CryptoKey> {
  const { spki } = parsePublicKey(text);
  try {
    return await crypto.subtle.importKey("spki", spki, RSA_SHA256, false, ["verify"]);
  } catch (err) {
    throw new KeyFormatError("Not an RSA public key.", { cause: err });
  }
}

/** Verifies a base64 SHA256withRSA (RSASSA-PKCS1-v1_5) signature of `message`. False when malformed. */
export async function verifyRsaSha256(key: CryptoKey, signatureBase64: string, message: Uint8Array): Promise<boolean> {
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(signatureBase64.trim());
  } catch {
    return false;
  }
  return crypto.subtle.verify(RSA_SHA256, key, signature, message);
}
