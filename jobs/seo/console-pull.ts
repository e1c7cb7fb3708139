// The daily Search Console pull: a service account signs a JWT (RS256, WebCrypto), trades it for an
// access token, and asks the Search Analytics API for one day's (date, query, page) rows, a page of
// CONSOLE_ROW_LIMIT rows at a time, at most CONSOLE_MAX_PAGES pages. The day replaces any earlier
// import of it. Fetches go only to the configured API and token URLs.
import type { SiteDatabase } from "../../schema/databases";
import { checkSearchRow, apiRowToRecord, type SearchRow } from "../../models/seo/imports";
import { replaceSearchDays } from "../../schema/queries/seo";
import type { Fetcher } from "./audit";

export const CONSOLE_URL = "https://searchconsole.googleapis.com";
export const CONSOLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const CONSOLE_SCOPE = "https://www.googleapis.com/auth/webmasters.readonly";
export const CONSOLE_ROW_LIMIT = 25_000;
export const CONSOLE_MAX_PAGES = 4;
export const CONSOLE_TIMEOUT_MS = 20_000;
const DIMENSIONS = ["date", "query", "page"] as const;

export interface ServiceAccount {
  client_email: string;
  /** PKCS #8 PEM, as in the service account's JSON key file. */
  private_key: string;
  /** The property as Search Console names it: "https://example.com/" or "sc-domain:example.com". */
  site_url: string;
}

/** The site's service account from the SEARCH_CONSOLE_CREDENTIALS secret, or undefined when it has none. */
export function accountFor(secret: string | undefined, siteId: string): ServiceAccount | undefined {
  if (!secret) return undefined;
  const all = JSON.parse(secret) as Record<string, ServiceAccount>;
  return all[siteId];
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const encodeJson = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

export async function signJwt(account: ServiceAccount, audience: string, now: number): Promise<string> {
  const pem = account.private_key.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(pem), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const iat = Math.floor(now / 1000);
  const unsigned = `${encodeJson({ alg: "RS256", typ: "JWT" })}.${encodeJson({
    iss: account.client_email,
    scope: CONSOLE_SCOPE,
    aud: audience,
    iat,
    exp: iat + 3600,
  })}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(unsigned));
  return `${unsigned}.${base64url(signature)}`;
}

async function ok(response: Response, what: string) {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

export interface PullOptions {
  account: ServiceAccount;
  day: string;
  fetcher: Fetcher;
  consoleUrl?: string;
  tokenUrl?: string;
  now?: number;
}

export async function pullSearchConsole(db: SiteDatabase, siteId: string, o: PullOptions) {
  const tokenUrl = o.tokenUrl ?? CONSOLE_TOKEN_URL;
  const signal = () => AbortSignal.timeout(CONSOLE_TIMEOUT_MS);
  const assertion = await signJwt(o.account, tokenUrl, o.now ?? Date.now());
  const token = (await ok(
    await o.fetcher(
      new Request(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
        signal: signal(),
      }),
    ),
    "token",
  )) as { access_token: string };
  const url = `${o.consoleUrl ?? CONSOLE_URL}/webmasters/v3/sites/${encodeURIComponent(o.account.site_url)}/searchAnalytics/query`;
  const rows: SearchRow[] = [];
  let refused = 0;
  for (let page = 0; page < CONSOLE_MAX_PAGES; page++) {
    const body = (await ok(
      await o.fetcher(
        new Request(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
          body: JSON.stringify({
            startDate: o.day,
            endDate: o.day,
            dimensions: DIMENSIONS,
            rowLimit: CONSOLE_ROW_LIMIT,
            startRow: page * CONSOLE_ROW_LIMIT,
          }),
          signal: signal(),
        }),
      ),
      "searchAnalytics.query",
    )) as { rows?: Record<string, unknown>[] };
    const batch = body.rows ?? [];
    for (const [i, raw] of batch.entries()) {
      const checked = checkSearchRow(apiRowToRecord(DIMENSIONS, raw), o.day, `rows.${i}`);
      if (checked.row) rows.push(checked.row);
      else refused++;
    }
    if (batch.length < CONSOLE_ROW_LIMIT) break;
  }
  if (refused) console.warn("search console pull: rows refused", { siteId, day: o.day, refused });
  await replaceSearchDays(db, { siteId }, "google", "query,page", rows, o.now ?? Date.now());
  return { imported: rows.length, refused };
}
