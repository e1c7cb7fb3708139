// One-click unsubscribe (RFC 8058): every email carries a signed link. POST unsubscribes at once
// (what mail clients' own buttons send); GET shows a page with a button, because link scanners
// fetch GET links and must not unsubscribe anyone.
import { OpenAPIHono } from "@hono/zod-openapi";
import { type UnsubscribeClaim, signingKey } from "../../../jobs/reports/send";
import { unsubscribe } from "../../../schema/queries/mail";
import { verifyToken } from "../../../core/hash";
import type { AppBindings } from "../env";

export const unsubscribeRoutes = new OpenAPIHono<AppBindings>();

const page = (title: string, body: string, status = 200) =>
  new Response(
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
      `<body style="font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;color:#111827;"><h1 style="font-size:20px;">${title}</h1>${body}</body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );

const invalid = () => page("This link is not valid", "<p>It may have been copied incompletely.</p>", 400);

unsubscribeRoutes.get("/u/:token", async (c) => {
  const claim = await verifyToken<UnsubscribeClaim>(signingKey(c.env), c.req.param("token"));
  if (!claim) return invalid();
  const email = claim.e.replace(/[<>&"]/g, "");
  return page(
    "Unsubscribe",
    `<p>Stop sending this email to <b>${email}</b>?</p><form method="post"><button type="submit" style="padding:8px 16px;">Unsubscribe</button></form>`,
  );
});

unsubscribeRoutes.post("/u/:token", async (c) => {
  const claim = await verifyToken<UnsubscribeClaim>(signingKey(c.env), c.req.param("token"));
  if (!claim) return invalid();
  await unsubscribe(c.env.DB, { siteId: claim.s }, claim.l, claim.e, Date.now());
  return page("You are unsubscribed", `<p>${claim.e.replace(/[<>&"]/g, "")} will not get this email again.</p>`);
});
