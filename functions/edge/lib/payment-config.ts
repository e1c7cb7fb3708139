// A site's payment provider configuration at rest: the credentials and the webhook URL's path token
// sealed together (core/seal.ts) under PAYMENTS_KEY, the token's hash for finding the site, and
// the identifiers that are not secret. What admins see back: which credentials are set, the URL,
// and the delivery counts; never a credential.
import type { EdgeEnv } from "../../../core/env";
import { seal, unseal } from "../../../core/seal";
import type { PaymentCredentials, PaymentProvider, WebhookOutcome } from "../../../models/payments/types";
import type { PaymentAccount } from "../../../schema/payment-tables";
import type { PaymentProviderRow, WebhookCountRow } from "../../../schema/queries/payments";
import { ApiError } from "../../shared/errors";

interface Sealed {
  token: string;
  credentials: PaymentCredentials;
}

const context = (siteId: string, provider: PaymentProvider) => `payment-provider|${siteId}|${provider}`;

function sealingSecret(env: EdgeEnv): string {
  const secret = env.PAYMENTS_KEY ?? env.SIGNING_KEY ?? env.ADMIN_TOKEN;
  if (!secret) {
    throw new ApiError(503, "not_configured", "Set the PAYMENTS_KEY secret to store payment credentials.");
  }
  return secret;
}

export async function sealConfig(env: EdgeEnv, siteId: string, value: Sealed): Promise<string> {
  return seal(sealingSecret(env), context(siteId, value.credentials.provider), JSON.stringify(value));
}

/** The sealed credentials and token, or null when they no longer open (PAYMENTS_KEY changed). */
export async function openConfig(env: EdgeEnv, row: PaymentProviderRow): Promise<Sealed | null> {
  const secret = env.PAYMENTS_KEY ?? env.SIGNING_KEY ?? env.ADMIN_TOKEN;
  if (!secret) return null;
  const plain = await unseal(secret, context(row.siteId, row.provider), row.sealed);
  return plain === null ? null : (JSON.parse(plain) as Sealed);
}

/** Where the provider posts: PUBLIC_URL when set, else the origin this request came to. */
export function webhookUrl(env: EdgeEnv, requestUrl: string, provider: PaymentProvider, token: string): string {
  const base = (env.PUBLIC_URL ?? new URL(requestUrl).origin).replace(/\/+$/, "");
  return `${base}/api/v1/webhooks/${provider}/${token}`;
}

/** Which credentials a configuration holds, by their API names. */
const CREDENTIAL_NAMES: Record<PaymentProvider, string[]> = {
  stripe: ["endpoint_secret"],
  wechat: ["api_v3_key", "platform_key"],
  alipay: ["alipay_public_key"],
};

export function providerView(
  row: PaymentProviderRow,
  counts: WebhookCountRow[],
  url: string | null,
): {
  provider: PaymentProvider;
  webhook_url: string | null;
  credentials_set: string[];
  account: { mchid?: string; serial?: string; app_id?: string; tolerance_seconds?: number };
  deliveries: Partial<Record<WebhookOutcome, number>>;
  last_refusal: { outcome: WebhookOutcome; at: string; message: string | null } | null;
  created_at: string;
  updated_at: string;
} {
  const a: PaymentAccount = row.account;
  const refusals = counts.filter((c) => !["accepted", "duplicate", "ignored"].includes(c.outcome));
  const last = refusals.sort((x, y) => y.lastAt - x.lastAt)[0];
  return {
    provider: row.provider,
    webhook_url: url,
    credentials_set: url ? CREDENTIAL_NAMES[row.provider] : [],
    account: {
      ...(a.mchid !== undefined && { mchid: a.mchid }),
      ...(a.serial !== undefined && { serial: a.serial }),
      ...(a.appId !== undefined && { app_id: a.appId }),
      ...(a.toleranceSeconds !== undefined && { tolerance_seconds: a.toleranceSeconds }),
    },
    deliveries: Object.fromEntries(counts.map((c) => [c.outcome, c.count])),
    last_refusal: last
      ? { outcome: last.outcome, at: new Date(last.lastAt).toISOString(), message: last.lastMessage }
      : null,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
