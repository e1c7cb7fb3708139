// The Search Console pull against a fake console speaking the same API: the JWT is signed with the
// service account's key (verified by the fake), the token is used, and the day's rows are stored,
// replacing an earlier import of that day.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONSOLE_SCOPE, pullSearchConsole } from "../../jobs/seo/console-pull";
import { createSite } from "./helpers";

const b64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

describe("Search Console pull", () => {
  it("signs in as the service account and stores the day's query × page rows", async () => {
    const site = await createSite();
    const keys = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", keys.privateKey)) as ArrayBuffer);
    const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pkcs8))}\n-----END PRIVATE KEY-----\n`;
    const account = {
      client_email: "wayfind@proj.iam.gserviceaccount.com",
      private_key: pem,
      site_url: "sc-domain:example.com",
    };
    const seen: string[] = [];
    const fetcher = async (request: Request): Promise<Response> => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url === "https://console.test/token") {
        const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
        expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
        const [h, p, s] = form.get("assertion")!.split(".") as [string, string, string];
        const valid = await crypto.subtle.verify(
          "RSASSA-PKCS1-v1_5",
          keys.publicKey,
          b64(s),
          new TextEncoder().encode(`${h}.${p}`),
        );
        if (!valid) return new Response("bad signature", { status: 401 });
        const claims = JSON.parse(new TextDecoder().decode(b64(p)));
        expect(claims).toMatchObject({
          iss: account.client_email,
          scope: CONSOLE_SCOPE,
          aud: "https://console.test/token",
        });
        return Response.json({ access_token: "tok-1", expires_in: 3600, token_type: "Bearer" });
      }
      if (request.headers.get("authorization") !== "Bearer tok-1") return new Response("unauthorised", { status: 401 });
      expect(await request.json()).toMatchObject({
        startDate: "2026-11-20",
        endDate: "2026-11-20",
        dimensions: ["date", "query", "page"],
      });
      return Response.json({
        rows: [
          {
            keys: ["2026-11-20", "python 课程", "https://example.com/courses/python"],
            clicks: 12,
            impressions: 240,
            ctr: 0.05,
            position: 3.4,
          },
          {
            keys: ["2026-11-20", "learn python", "https://example.com/courses/python"],
            clicks: 4,
            impressions: 300,
            ctr: 0.013,
            position: 8.1,
          },
        ],
        responseAggregationType: "byPage",
      });
    };
    const options = {
      account,
      day: "2026-11-20",
      fetcher,
      consoleUrl: "https://console.test",
      tokenUrl: "https://console.test/token",
    };
    await env.DB.prepare(
      "INSERT INTO search_performance (site_id, source, dims, date, query, page, clicks, impressions, position, imported_at) " +
        "VALUES (?1, 'google', 'query,page', '2026-11-20', 'stale', 'https://example.com/old', 1, 2, 1, 0)",
    )
      .bind(site.id)
      .run();
    expect(await pullSearchConsole(siteDatabase(env, site.id), site.id, options)).toEqual({ imported: 2, refused: 0 });
    expect(seen).toEqual([
      "POST https://console.test/token",
      "POST https://console.test/webmasters/v3/sites/sc-domain%3Aexample.com/searchAnalytics/query",
    ]);
    const stored = await env.DB.prepare(
      "SELECT query, clicks, impressions, position FROM search_performance WHERE site_id = ?1 ORDER BY query",
    )
      .bind(site.id)
      .all();
    expect(stored.results).toEqual([
      { query: "learn python", clicks: 4, impressions: 300, position: 8.1 },
      { query: "python 课程", clicks: 12, impressions: 240, position: 3.4 },
    ]);

    // A key the console does not know: the token is refused, and that is an error the cron logs
    // for this site (forEachSite), not silence.
    const other = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const otherDer = new Uint8Array((await crypto.subtle.exportKey("pkcs8", other.privateKey)) as ArrayBuffer);
    const otherPem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...otherDer))}\n-----END PRIVATE KEY-----\n`;
    await expect(
      pullSearchConsole(siteDatabase(env, site.id), site.id, {
        ...options,
        account: { ...account, private_key: otherPem },
      }),
    ).rejects.toThrow(/token: HTTP 401/);
  });
});
