// GET /healthz: no key. Checks D1 and the recommend Worker behind the service binding.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env";

export const healthRoutes = new OpenAPIHono<AppBindings>();

healthRoutes.get("/healthz", async (c) => {
  const db = await c.env.DB.prepare("SELECT 1 AS ok")
    .first<{ ok: number }>()
    .then((r) => (r?.ok === 1 ? "ok" : "error"))
    .catch(() => "error");
  const recommend = await c.env.RECOMMEND.fetch("https://recommend.internal/healthz")
    .then((r) => (r.ok ? "ok" : "error"))
    .catch(() => "unreachable");
  const ok = db === "ok";
  return c.json({ ok, db, recommend }, ok ? 200 : 503);
});
