// One-click unsubscribe (RFC 8058): every email carries a signed link. POST unsubscribes at once
// (what mail clients' own buttons send); GET shows a page with a button, because link scanners
// fetch GET links and must not unsubscribe anyone.
import { siteDatabase } from "../../../schema/databases";
import { OpenAPIHono } from "@hono/zod-openapi";
import { type UnsubscribeClaim, signingKey } from "../../../jobs/reports/send";
import { unsubscribe } from "../../../schema/queries/mail";
import { verifyToken } from "../../../core/hash";
import { asLocale, type Locale, t } from "../../../core/messages";
import type { AppBindings } from "../env";

export const unsubscribeRoutes = new OpenAPIHono<AppBindings>();

const page = (locale: Locale, title: string, body: string, status = 200) =>
  new Response(
    `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
      `<body style="font-family:Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;max-width:480px;margin:48px auto;color:#111827;"><h1 style="font-size:20px;">${title}</h1>${body}</body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );

// A token that does not verify carries no language we can trust: the browser's first choice decides.
const invalid = (acceptLanguage: string | undefined) => {
  const l: Locale = /^zh\b/i.test(acceptLanguage ?? "") ? "zh-CN" : "en";
  return page(l, t(l, "unsubscribe.invalid.title"), `<p>${t(l, "unsubscribe.invalid.body")}</p>`, 400);
};
const safe = (email: string) => email.replace(/[<>&"]/g, "");

unsubscribeRoutes.get("/u/:token", async (c) => {
  const claim = await verifyToken<UnsubscribeClaim>(signingKey(c.env), c.req.param("token"));
  if (!claim) return invalid(c.req.header("accept-language"));
  const l = asLocale(claim.g);
  const button = t(l, "unsubscribe.button");
  return page(
    l,
    t(l, "unsubscribe.title"),
    `<p>${t(l, "unsubscribe.confirm", { email: `<b>${safe(claim.e)}</b>` })}</p><form method="post"><button type="submit" style="padding:8px 16px;">${button}</button></form>`,
  );
});

unsubscribeRoutes.post("/u/:token", async (c) => {
  const claim = await verifyToken<UnsubscribeClaim>(signingKey(c.env), c.req.param("token"));
  if (!claim) return invalid(c.req.header("accept-language"));
  await unsubscribe(siteDatabase(c.env, claim.s), { siteId: claim.s }, claim.l, claim.e, Date.now());
  const l = asLocale(claim.g);
  return page(l, t(l, "unsubscribe.done.title"), `<p>${t(l, "unsubscribe.done.body", { email: safe(claim.e) })}</p>`);
});
