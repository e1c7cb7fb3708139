import { env, SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("healthz answers and reaches the recommend worker", async () => {
  const res = await SELF.fetch("https://wayfind.test/healthz");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true, db: "ok", recommend: "ok" });
  expect(env.ADMIN_TOKEN).toBeTruthy();
});
