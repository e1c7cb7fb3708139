// GET /healthz: no key. Checks D1 and the recommend Worker behind the service binding.
import { OpenAPIHono } from "@hono/zod-openapi";
import { databaseAnswers } from "../../../schema/queries/health";
import type { AppBindings } from "../env";

export const healthRoutes = new OpenAPIHono<AppBindings>();

healthRoutes.get("/healthz", async (c) => {
  const db = await databaseAnswers(c.env.DB)
    .then((ok) => (ok ? "ok" : "error"))
    .catch(() => "error");
  const recommend = await c.env.RECOMMEND.fetch("https://recommend.internal/healthz")
    .then((r) => (r.ok ? "ok" : "error"))
    .catch(() => "unreachable");
  const ok = db === "ok";
  return c.json({ ok, db, recommend }, ok ? 200 : 503);
});
