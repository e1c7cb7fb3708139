// Payment providers, played by the tests with real cryptography: RSA keys and an X.509 certificate
// made here with Web Crypto, notifications signed (Stripe HMAC, WeChat SHA256-RSA, Alipay RSA2)
// and encrypted (WeChat AES-256-GCM) exactly as each provider documents, posted to the Worker.
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { BASE, api, type TestSite, unique } from "./helpers";

const encoder = new TextEncoder();
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export interface RsaPair {
  keys: CryptoKeyPair;
  /** SubjectPublicKeyInfo as PEM. */
  publicPem: string;
  /** The same key as Alipay's console shows it: bare base64. */
  publicBase64: string;
}

const pemOf = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${toBase64(der).replace(/(.{64})/g, "$1\n")}\n-----END ${label}-----\n`;

export async function rsaPair(): Promise<RsaPair> {
  const keys = (await crypto.subtle.generateKey(
    { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", keys.publicKey)) as ArrayBuffer);
  return { keys, publicPem: pemOf("PUBLIC KEY", spki), publicBase64: toBase64(spki) };
}

export async function rsaSign(key: CryptoKey, message: Uint8Array | string): Promise<string> {
  const bytes = typeof message === "string" ? encoder.encode(message) : message;
  return toBase64(new Uint8Array(await crypto.subtle.sign(RSA, key, bytes)));
}

// DER, just enough for a certificate.
const length = (n: number) =>
  n < 128 ? Uint8Array.of(n) : n < 256 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
const tlv = (tag: number, ...parts: Uint8Array[]) => {
  const content = concat(parts);
  return concat([Uint8Array.of(tag), length(content.length), content]);
};
const SHA256_WITH_RSA = tlv(
  0x30,
  Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b),
  Uint8Array.of(0x05, 0x00),
);
const name = (cn: string) =>
  tlv(0x30, tlv(0x31, tlv(0x30, Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03), tlv(0x0c, encoder.encode(cn)))));

/** A self-signed X.509 v3 certificate of `pair`'s key with this serial (hex), as PEM. */
export async function certificate(pair: RsaPair, serialHex: string): Promise<string> {
  let serial = Uint8Array.from(serialHex.match(/../g)!.map((h) => parseInt(h, 16)));
  if (serial[0]! & 0x80) serial = concat([Uint8Array.of(0), serial]); // a positive INTEGER
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.keys.publicKey)) as ArrayBuffer);
  const tbs = tlv(
    0x30,
    tlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02)),
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    name("Tenpay.com Root CA"),
    tlv(0x30, tlv(0x17, encoder.encode("250101000000Z")), tlv(0x17, encoder.encode("350101000000Z"))),
    name("Tenpay.com"),
    spki,
  );
  const signature = new Uint8Array(await crypto.subtle.sign(RSA, pair.keys.privateKey, tbs));
  return pemOf("CERTIFICATE", tlv(0x30, tbs, SHA256_WITH_RSA, tlv(0x03, Uint8Array.of(0), signature)));
}

// --- Stripe -------------------------------------------------------------------------------------

export const STRIPE_SECRET = "whsec_test_0123456789abcdefghijklmnop";

export function stripeEvent(type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000)) {
  return JSON.stringify({
    id: unique("evt_"),
    object: "event",
    api_version: "2024-06-20",
    created,
    type,
    data: { object },
  });
}

/** `Stripe-Signature` as Stripe sends it: t and v1 = HMAC-SHA256(secret, `t.payload`). */
export async function stripeHeader(payload: string, secret = STRIPE_SECRET, t = Math.floor(Date.now() / 1000)) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${t}.${payload}`)));
  return `t=${t},v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

// --- WeChat Pay ---------------------------------------------------------------------------------

export const WECHAT_MCHID = "1900000109";
export const WECHAT_API_V3_KEY = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"; // 32 characters
export const WECHAT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";

/** `resource` as WeChat documents it: AES-256-GCM with the APIv3 key, base64(ciphertext || tag). */
export async function wechatResource(plain: unknown, apiV3Key = WECHAT_API_V3_KEY, associatedData = "transaction") {
  const nonce = unique("n").padEnd(12, "x").slice(0, 12);
  const key = await crypto.subtle.importKey("raw", encoder.encode(apiV3Key), "AES-GCM", false, ["encrypt"]);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: encoder.encode(nonce), additionalData: encoder.encode(associatedData), tagLength: 128 },
    key,
    encoder.encode(JSON.stringify(plain)),
  );
  return {
    original_type: associatedData,
    algorithm: "AEAD_AES_256_GCM" as const,
    ciphertext: toBase64(new Uint8Array(sealed)),
    associated_data: associatedData,
    nonce,
  };
}

export async function wechatNotification(
  eventType: string,
  plain: unknown,
  opts: { id?: string; apiV3Key?: string } = {},
) {
  const type = eventType.startsWith("REFUND") ? "refund" : "transaction";
  return JSON.stringify({
    id: opts.id ?? unique("EV-"),
    create_time: "2026-11-30T13:29:35+08:00",
    resource_type: "encrypt-resource",
    event_type: eventType,
    summary: type === "refund" ? "退款成功" : "支付成功",
    resource: await wechatResource(plain, opts.apiV3Key, type),
  });
}

/** Wechatpay-* headers signing `body` (SHA256-RSA over `timestamp\nnonce\nbody\n`). */
export async function wechatHeaders(
  body: string,
  privateKey: CryptoKey,
  opts: { serial?: string; timestamp?: number } = {},
): Promise<Record<string, string>> {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = unique("nonce");
  return {
    "content-type": "application/json",
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": nonce,
    "wechatpay-serial": opts.serial ?? WECHAT_SERIAL,
    "wechatpay-signature": await rsaSign(privateKey, `${timestamp}\n${nonce}\n${body}\n`),
    "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
  };
}

// --- Alipay -------------------------------------------------------------------------------------

export const ALIPAY_APP_ID = "2021000123456789";

/** Beijing time as Alipay writes it: "2026-11-30 15:45:57". */
export const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");

/** RSA2 over the sorted `k=v&...` of every non-empty field but sign and sign_type, as Alipay signs. */
export async function alipaySign(
  params: Record<string, string>,
  privateKey: CryptoKey,
): Promise<Record<string, string>> {
  const content = Object.keys(params)
    .filter((k) => k !== "sign" && k !== "sign_type" && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  return { ...params, sign_type: "RSA2", sign: await rsaSign(privateKey, content) };
}

export const formBody = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function alipayParams(fields: Record<string, string>): Record<string, string> {
  return {
    notify_time: beijing(Date.now()),
    notify_type: "trade_status_sync",
    notify_id: unique("ntf"),
    app_id: ALIPAY_APP_ID,
    charset: "utf-8",
    version: "1.0",
    trade_no: unique("2026"),
    seller_id: "2088101106499364",
    buyer_id: "2088102122524333",
    subject: "Python 入门",
    ...fields,
  };
}

// --- Wayfind ------------------------------------------------------------------------------------

export interface Endpoint {
  url: string;
  path: string;
  body: Record<string, unknown>;
}

export async function configure(site: TestSite, config: Record<string, unknown>, status = 201): Promise<Endpoint> {
  const res = await api(`/api/v1/sites/${site.id}/payment-providers`, {
    method: "POST",
    token: site.admin,
    json: config,
  });
  expect(res.status, await res.clone().text()).toBe(status);
  const body = (await res.json()) as { webhook_url: string };
  return { url: body.webhook_url, path: new URL(body.webhook_url).pathname, body };
}

export function deliver(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  return SELF.fetch(`${BASE}${path}`, { method: "POST", headers, body });
}

export async function providers(site: TestSite) {
  const res = await api(`/api/v1/sites/${site.id}/payment-providers`, { token: site.admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { provider: string; deliveries: Record<string, number> }[] }).data;
}

export async function deliveries(site: TestSite, provider: string) {
  return (await providers(site)).find((p) => p.provider === provider)?.deliveries ?? {};
}
