// POST /api/v1/webhooks/{provider}/{token}: payment notifications from Stripe, WeChat Pay and
// Alipay, posted to the URL a site got when it configured the provider. No key: the path's token
// finds the site, the provider's signature proves the sender (lib/payment-webhooks.ts).
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { PAYMENT_PROVIDERS } from "../../../models/payments/types";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";
import { PAYMENT_MAX_BODY_BYTES, receivePaymentWebhook } from "../lib/payment-webhooks";

export const webhookRoutes = new OpenAPIHono<AppBindings>();

const Ack = z
  .union([
    z.object({ received: z.literal(true) }).openapi({ description: "Stripe" }),
    z.object({ code: z.enum(["SUCCESS", "FAIL"]), message: z.string() }).openapi({ description: "WeChat Pay" }),
  ])
  .openapi("PaymentWebhookAck");
const failure = {
  content: {
    "application/json": { schema: z.union([ErrorEnvelope, Ack]) },
    "text/plain": { schema: z.literal("failure") },
  },
};

webhookRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/api/v1/webhooks/{provider}/{token}",
  tags: ["Capture"],
  summary: "Receive a payment notification (the URL comes from POST /api/v1/sites/{id}/payment-providers)",
  description:
    "Verified as each provider documents: Stripe-Signature (HMAC-SHA256, 300 s tolerance); WeChat Pay's " +
    "Wechatpay-* headers (SHA256-RSA) and AES-256-GCM resource; Alipay's RSA2 sign. Payments become server " +
    'purchases and refunds. Answers: Stripe `{received:true}`, WeChat `{code:"SUCCESS"}`, Alipay `success`; ' +
    `a refusal is a 4xx or 5xx (WeChat \`{code:"FAIL"}\`, Alipay \`failure\`), so the provider retries. At most ${PAYMENT_MAX_BODY_BYTES / 1024} KB.`,
  request: {
    params: z.object({
      provider: z.enum(PAYMENT_PROVIDERS).openapi({ param: { name: "provider", in: "path" } }),
      token: z
        .string()
        .min(1)
        .openapi({ param: { name: "token", in: "path" } }),
    }),
  },
  responses: {
    200: {
      description: "Accepted, a duplicate, or an event type Wayfind does not use",
      content: { "application/json": { schema: Ack }, "text/plain": { schema: z.literal("success") } },
    },
    400: { description: "Malformed, stale or not a payment notification", ...failure },
    401: { description: "The signature does not verify", ...failure },
    403: { description: "Another merchant or app than configured", ...failure },
    404: { description: "Unknown provider or endpoint", ...failure },
    413: { description: "Body too large", ...failure },
    500: { description: "Could not be stored: the provider retries", ...failure },
  },
});

webhookRoutes.post("/api/v1/webhooks/:provider/:token", (c) =>
  receivePaymentWebhook(c.env, c.req.param("provider"), c.req.param("token"), c.req.raw),
);
