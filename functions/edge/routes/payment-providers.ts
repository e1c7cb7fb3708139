// A site's payment providers (admin scope): configure Stripe, WeChat Pay or Alipay with their
// credentials and get back the webhook URL to paste into the provider's console. Credentials are
// sealed at rest and never returned; listings show which are set, the URL and delivery counts.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomToken, sha256Hex } from "../../../core/hash";
import { importRsaPublicKey, KeyFormatError, parsePublicKey } from "../../../models/payments/keys";
import {
  DEFAULT_TOLERANCE_SECONDS,
  PAYMENT_PROVIDERS,
  type PaymentCredentials,
  WEBHOOK_OUTCOMES,
} from "../../../models/payments/types";
import type { PaymentAccount } from "../../../schema/payment-tables";
import {
  deletePaymentProvider,
  listPaymentProviders,
  paymentProviderOf,
  savePaymentProvider,
} from "../../../schema/queries/payments";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope } from "../../shared/errors";
import { openConfig, providerView, sealConfig, webhookUrl } from "../lib/payment-config";
import { siteOr404 } from "../lib/sites";

export const paymentProviderRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });
const SiteParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const tolerance = z
  .number()
  .int()
  .min(1)
  .max(3600)
  .optional()
  .openapi({
    description: `Seconds a signature's timestamp may be off our clock (default ${DEFAULT_TOLERANCE_SECONDS}).`,
  });
const rotate = z.boolean().optional().openapi({ description: "Issue a new webhook URL; the old one stops working." });
const pem = z.string().trim().min(64).max(10_000);
const merchantId = z.string().regex(/^\d{6,32}$/, "Digits only.");

const ProviderConfig = z
  .discriminatedUnion("provider", [
    z.object({
      provider: z.literal("stripe"),
      endpoint_secret: z
        .string()
        .trim()
        .min(8)
        .max(256)
        .openapi({ description: "The endpoint's signing secret, whsec_..." }),
      tolerance_seconds: tolerance,
      rotate_endpoint: rotate,
    }),
    z.object({
      provider: z.literal("wechat"),
      mchid: merchantId.openapi({ description: "商户号" }),
      api_v3_key: z
        .string()
        .regex(/^[\x21-\x7e]{32}$/, "32 characters.")
        .openapi({ description: "APIv3 密钥: decrypts the notifications' resource." }),
      platform_key: pem.openapi({
        description: "微信支付公钥 (PEM PUBLIC KEY) or the platform certificate (PEM CERTIFICATE).",
      }),
      platform_serial: z.string().trim().min(1).max(64).optional().openapi({
        description: "Wechatpay-Serial of the key: PUB_KEY_ID_... (needed with a public key; read from a certificate).",
      }),
      tolerance_seconds: tolerance,
      rotate_endpoint: rotate,
    }),
    z.object({
      provider: z.literal("alipay"),
      app_id: merchantId.openapi({ description: "The app's APPID." }),
      alipay_public_key: pem.openapi({ description: "支付宝公钥 (not the app's own public key), PEM or base64." }),
      rotate_endpoint: rotate,
    }),
  ])
  .openapi("PaymentProviderConfig");

const PaymentProviderView = z
  .object({
    provider: z.enum(PAYMENT_PROVIDERS),
    webhook_url: z.string().nullable().openapi({
      description:
        "Paste into the provider's console. Null when the stored credentials no longer open: configure again.",
    }),
    credentials_set: z.array(z.string()),
    account: z.object({
      mchid: z.string().optional(),
      serial: z.string().optional(),
      app_id: z.string().optional(),
      tolerance_seconds: z.number().int().optional(),
    }),
    deliveries: z
      .object(Object.fromEntries(WEBHOOK_OUTCOMES.map((o) => [o, z.number().int().optional()])))
      .openapi({ description: "Notifications received, by outcome." }),
    last_refusal: z
      .object({ outcome: z.enum(WEBHOOK_OUTCOMES), at: z.string(), message: z.string().nullable() })
      .nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("PaymentProvider");

const invalidKey = (path: string, message: string) =>
  new ApiError(400, "validation_failed", "The request did not validate.", [{ path, message }]);

type Config = z.infer<typeof ProviderConfig>;

/** Checks the keys by importing them, and splits the body into credentials and shown identifiers. */
async function credentialsOf(b: Config): Promise<{ credentials: PaymentCredentials; account: PaymentAccount }> {
  const rsa = async (path: string, text: string) => {
    try {
      await importRsaPublicKey(text);
      return parsePublicKey(text);
    } catch (err) {
      if (err instanceof KeyFormatError) throw invalidKey(path, err.message);
      throw err;
    }
  };
  if (b.provider === "stripe") {
    const toleranceSeconds = b.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS;
    return {
      credentials: { provider: "stripe", endpointSecret: b.endpoint_secret, toleranceSeconds },
      account: { toleranceSeconds },
    };
  }
  if (b.provider === "alipay") {
    await rsa("alipay_public_key", b.alipay_public_key);
    return {
      credentials: { provider: "alipay", appId: b.app_id, alipayPublicKey: b.alipay_public_key },
      account: { appId: b.app_id },
    };
  }
  const key = await rsa("platform_key", b.platform_key);
  if (key.serial && b.platform_serial && key.serial !== b.platform_serial.toUpperCase()) {
    throw invalidKey("platform_serial", `The certificate's serial is ${key.serial}.`);
  }
  const serial = b.platform_serial ?? key.serial;
  if (!serial) throw invalidKey("platform_serial", "Required with a public key (PUB_KEY_ID_...).");
  const toleranceSeconds = b.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS;
  return {
    credentials: {
      provider: "wechat",
      mchid: b.mchid,
      apiV3Key: b.api_v3_key,
      platformKey: b.platform_key,
      serial,
      toleranceSeconds,
    },
    account: { mchid: b.mchid, serial, toleranceSeconds },
  };
}

paymentProviderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/sites/{id}/payment-providers",
    tags: ["Sites and keys"],
    summary: "Configure a payment provider; answers the webhook URL to paste into its console (admin scope)",
    description:
      "Configuring a provider again replaces its credentials and keeps its URL unless `rotate_endpoint` is true.",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: SiteParam, body: { ...json(ProviderConfig), required: true } },
    responses: {
      201: { description: "Configured", ...json(PaymentProviderView) },
      200: { description: "Reconfigured", ...json(PaymentProviderView) },
      400: { description: "Invalid (a key that does not parse, a missing serial)", ...errors },
      403: { description: "Not allowed", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    await siteOr404(c.env.DB, scope);
    const b = c.req.valid("json");
    const { credentials, account } = await credentialsOf(b);
    const existing = await paymentProviderOf(siteDatabase(c.env, scope.siteId), scope, b.provider);
    const previous = existing && !b.rotate_endpoint ? await openConfig(c.env, existing) : null;
    const token = previous?.token ?? randomToken(32);
    const now = Date.now();
    const row = {
      siteId: scope.siteId,
      provider: b.provider,
      tokenHash: await sha256Hex(token),
      sealed: await sealConfig(c.env, scope.siteId, { token, credentials }),
      account,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await savePaymentProvider(siteDatabase(c.env, row.siteId), row);
    const counts = (await listPaymentProviders(siteDatabase(c.env, scope.siteId), scope)).find(
      (p) => p.row.provider === b.provider,
    )?.counts;
    const view = providerView(row, counts ?? [], webhookUrl(c.env, c.req.url, b.provider, token));
    return existing ? c.json(view, 200) : c.json(view, 201);
  },
);

paymentProviderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/sites/{id}/payment-providers",
    tags: ["Sites and keys"],
    summary: "List a site's payment providers: webhook URLs, which credentials are set, deliveries (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: SiteParam },
    responses: {
      200: { description: "Providers", ...json(z.object({ data: z.array(PaymentProviderView) })) },
      403: { description: "Not allowed", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("param").id);
    await siteOr404(c.env.DB, scope);
    const data = [];
    for (const { row, counts } of await listPaymentProviders(siteDatabase(c.env, scope.siteId), scope)) {
      const opened = await openConfig(c.env, row);
      data.push(providerView(row, counts, opened ? webhookUrl(c.env, c.req.url, row.provider, opened.token) : null));
    }
    return c.json({ data }, 200);
  },
);

paymentProviderRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/sites/{id}/payment-providers/{provider}",
    tags: ["Sites and keys"],
    summary: "Remove a payment provider: its webhook URL stops working (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: {
      params: SiteParam.extend({
        provider: z.enum(PAYMENT_PROVIDERS).openapi({ param: { name: "provider", in: "path" } }),
      }),
    },
    responses: {
      204: { description: "Removed" },
      403: { description: "Not allowed", ...errors },
      404: { description: "Not configured for this site", ...errors },
    },
  }),
  async (c) => {
    const { id, provider } = c.req.valid("param");
    const scope = siteScope(c, id);
    if (!(await deletePaymentProvider(siteDatabase(c.env, scope.siteId), scope, provider))) {
      throw new ApiError(404, "not_found", `No ${provider} configuration in this site.`);
    }
    return c.body(null, 204);
  },
);
