// The Partners page and the partner portal in Chromium against the built Workers: the scorecards
// show the API's figures, an admin creates a payout and marks it paid, a partner member signs in to
// the portal and sees only their own links, commissions and payouts (in Chinese too), and a viewer
// sees no write control while the API refuses their writes with 403. axe-core on every view.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  createSite,
  openPage,
  type OpenedPage,
  seedEvents,
  signIn,
  signInLink,
  type Stack,
  startStack,
  type TestSite,
} from "./dashboard/harness";

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
let stack: Stack;
let site: TestSite;
const partners: Record<string, { id: string; code: string; name: string }> = {};
const opened: OpenedPage[] = [];

const at = Date.now() - 2 * 3_600_000;
const referred = (n: number, code: string, revenue: number) => [
  {
    id: `v${n}`,
    type: "pageview",
    visitor_id: `learner-${n}`,
    ts: at + n * 1000,
    url: `https://academy.example.com/courses/python?ref=${code}`,
    user_agent: UA,
  },
  {
    id: `p${n}`,
    type: "purchase",
    visitor_id: `learner-${n}`,
    ts: at + n * 1000 + 500,
    order_id: `order-${n}`,
    revenue,
    currency: "CNY",
    user_agent: UA,
  },
];

/** A person with `role` in the site (partner: of `partnerId`), and their one-time sign-in link. */
async function member(email: string, role: string, partnerId?: string): Promise<string> {
  const link = await signInLink(stack, email, [site.id]);
  const members = await stack.admin<{ data: { user_id: string; email: string }[] }>(`/api/v1/sites/${site.id}/members`);
  const id = members.data.find((m) => m.email === email)!.user_id;
  await stack.admin(
    `/api/v1/sites/${site.id}/members/${id}`,
    { role, ...(partnerId && { partner_id: partnerId }) },
    "PATCH",
  );
  return link;
}

async function open(locale = "en-US"): Promise<Page> {
  const o = await openPage(stack, { locale });
  opened.push(o);
  return o.page;
}

/** Elements sticking out of the viewport (wide tables scroll inside their own region instead). */
function tooWide(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const width: number = doc.documentElement.clientWidth;
    return [...doc.querySelectorAll("body *")]
      .filter((e: any) => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-scroll"))
      .map((e: any) => `${e.tagName}.${e.className}`);
  });
}

beforeAll(async () => {
  stack = await startStack();
  site = await createSite(stack);
  await stack.admin(`/api/v1/commission-rules?site_id=${site.id}`, { percent: 20 });
  await stack.admin(`/api/v1/partner-program?site_id=${site.id}`, { payout_minimum: 10 }, "PATCH");
  for (const [code, name] of [
    ["amy", "Amy Academy Reviews"],
    ["bob", "Bob Bilibili"],
  ] as const) {
    partners[code] = await stack.admin(`/api/v1/partners?site_id=${site.id}`, { type: "affiliate", name, code });
  }
  await seedEvents(stack, site.id, [
    ...referred(1, "amy", 500),
    ...referred(2, "amy", 300),
    ...referred(3, "bob", 200),
  ]);
  for (let i = 0; i < 100; i++) {
    const c = await stack.admin<{ data: unknown[] }>(`/api/v1/commissions?site_id=${site.id}&from=0`);
    if (c.data.length >= 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The daily cron approves commissions whose holding period has ended; here, approve them now.
  const db = await stack.workers.mf.getD1Database("DB");
  await db.prepare("UPDATE partner_commissions SET status = 'approved' WHERE site_id = ?1").bind(site.id).run();
}, 180_000);

afterAll(async () => {
  for (const o of opened) await o.context.close();
  await stack?.close();
});

describe("the Partners page", () => {
  let page: Page;

  it("shows each partner's API figures, with a copyable referral link", async () => {
    page = await open();
    await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
    await page.goto(`${stack.origin}/partners`);
    await expect.poll(() => page.locator("main h1").textContent()).toBe("Partners");
    const api = await stack.admin<{ data: { name: string; performance: { revenue: number; conversions: number } }[] }>(
      `/api/v1/partners?site_id=${site.id}&sort=score`,
    );
    const money = new Intl.NumberFormat("en", { style: "currency", currency: "CNY" });
    for (const p of api.data) {
      const row = page.locator("tbody tr", { hasText: p.name });
      await row.waitFor();
      const cells = await row.locator("th, td").allTextContents();
      expect(cells).toContain(money.format(p.performance.revenue));
      expect(cells).toContain(String(p.performance.conversions));
    }
    expect(api.data.find((p) => p.name.startsWith("Amy"))!.performance.revenue).toBe(800);
    await page.getByRole("button", { name: "Copy link amy" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows commissions by status equal to the API's", async () => {
    await page.getByRole("link", { name: "Commissions" }).click();
    const approved = page.locator('[data-kpi="commissions-approved"]');
    await approved.waitFor();
    const api = await stack.admin<{ data: { status: string; amount: number }[] }>(
      `/api/v1/commissions?site_id=${site.id}&from=0`,
    );
    const sum = api.data.filter((c) => c.status === "approved").reduce((s, c) => s + c.amount, 0);
    expect(sum).toBe(200); // 20% of 500 + 300 + 200
    expect(Number(await approved.getAttribute("data-value"))).toBe(sum);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("creates payouts and marks one paid with its reference", async () => {
    await page.getByRole("link", { name: "Payouts" }).click();
    await page.getByText("No payouts yet.").waitFor();
    await page.getByRole("button", { name: "Create payouts" }).click();
    await page.getByText("Payouts created: 2.").waitFor();
    const amyRow = page.locator("tbody tr", { hasText: "Amy Academy Reviews" });
    await amyRow.getByRole("button", { name: "Mark paid" }).click();
    await page.getByLabel("Payment reference").fill("BANK-2026-001");
    await page.getByRole("form", { name: "Mark paid" }).getByRole("button", { name: "Mark paid" }).click();
    await page.getByText("The payout to Amy Academy Reviews is marked paid.").waitFor();
    await amyRow.getByText("BANK-2026-001").waitFor();
    const payouts = await stack.admin<{
      data: { partner_id: string; status: string; reference: string | null; amount: number }[];
    }>(`/api/v1/payouts?site_id=${site.id}&from=0`);
    const amy = payouts.data.find((p) => p.partner_id === partners.amy!.id)!;
    expect(amy).toMatchObject({ status: "paid", reference: "BANK-2026-001", amount: 160 });
    expect(payouts.data.find((p) => p.partner_id === partners.bob!.id)).toMatchObject({ status: "pending" });
    expect(await axeViolations(page)).toEqual([]);
  });

  it("saves the program settings, with the API's field errors next to the field, in Chinese", async () => {
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("link", { name: "计划设置" }).click();
    const field = page.getByLabel("Cookie 有效期（天）");
    await field.fill("400");
    await page.getByRole("button", { name: "保存" }).click();
    // zod's "Too big: expected number to be <=365", in the reader's language beside the field.
    await page.locator(".field-error", { hasText: "不能大于 365。" }).waitFor();
    expect(await page.locator(".field-error").allTextContents()).not.toContain(expect.stringMatching(/Too big/));
    await field.fill("45");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存。").waitFor();
    expect((await stack.admin<{ cookie_days: number }>(`/api/v1/partner-program?site_id=${site.id}`)).cookie_days).toBe(
      45,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("语言").selectOption("en");
  });
});

describe("the partner portal", () => {
  it("shows a signed-in partner only their own links, commissions and payouts, in their language", async () => {
    const link = await member("amy@partners.example.com", "partner", partners.amy!.id);
    const page = await open("zh-CN");
    await page.goto(link);
    await page.waitForURL((u) => u.pathname === "/portal");
    await expect.poll(() => page.locator("main h1").textContent()).toBe("合作伙伴中心");
    await page.getByText("Amy Academy Reviews，这是您为 Dashboard Academy 带来的推荐。").waitFor();
    const main = page.locator("main");
    await main.locator("code", { hasText: "/r/amy" }).first().waitFor();
    await main.locator("tbody tr", { hasText: "order-1" }).waitFor();
    await main.locator("tbody tr", { hasText: "order-2" }).waitFor();
    const text = (await main.textContent())!;
    expect(text).not.toContain("order-3"); // Bob's sale
    expect(text).not.toContain("/r/bob");
    expect(text).not.toContain("Bob");
    expect(text).toContain("BANK-2026-001"); // Amy's payout, paid
    // Money in the site's currency, formatted for a Chinese reader (¥, not CN¥).
    const paid = page.locator('[data-kpi="earned-paid"]');
    expect(Number(await paid.getAttribute("data-value"))).toBe(160);
    expect(await paid.locator(".kpi-value").textContent()).toBe("¥160.00");
    // No site pages for a partner: the site's own API refuses them.
    const status = await page.evaluate(
      async (siteId) => (await fetch(`/api/v1/partners?site_id=${siteId}`)).status,
      site.id,
    );
    expect(status).toBe(403);
    expect(await axeViolations(page)).toEqual([]);
    // On a phone the portal fits the screen (no sideways scrolling of the page itself).
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await tooWide(page)).toEqual([]);
  });
});

describe("a viewer", () => {
  it("sees no write control on Partners or Reports, and the API refuses their writes", async () => {
    const link = await member("viewer@academy.example.com", "viewer");
    const page = await open();
    await signIn(page, link);
    await page.goto(`${stack.origin}/partners`);
    await page.locator("tbody tr", { hasText: "Amy Academy Reviews" }).waitFor();
    expect(await page.getByRole("button", { name: "Add partner" }).count()).toBe(0);
    await page.goto(`${stack.origin}/partners/payouts`);
    await page.locator("tbody tr", { hasText: "Bob Bilibili" }).waitFor();
    expect(await page.getByRole("button", { name: "Create payouts" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Mark paid" }).count()).toBe(0);
    await page.goto(`${stack.origin}/partners/program`);
    await page.getByText("Only admins change these settings.").waitFor();
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
    expect(await page.getByLabel("Cookie window (days)").isDisabled()).toBe(true);
    await page.goto(`${stack.origin}/reports`);
    await page.getByText("No report emails yet.").waitFor();
    expect(await page.getByRole("button", { name: "Add report email" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    // On a phone, these pages fit the screen too.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await tooWide(page)).toEqual([]);
    await page.goto(`${stack.origin}/partners`);
    await page.locator("tbody tr", { hasText: "Amy Academy Reviews" }).waitFor();
    expect(await tooWide(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    const payouts = await stack.admin<{ data: { id: string; status: string }[] }>(
      `/api/v1/payouts?site_id=${site.id}&from=0`,
    );
    const pending = payouts.data.find((p) => p.status === "pending")!;
    const writes = await page.evaluate(
      async ({ siteId, payoutId }) => {
        const send = (path: string, method: string, body: unknown) =>
          fetch(`${path}${path.includes("?") ? "&" : "?"}site_id=${siteId}`, {
            method,
            headers: { "content-type": "application/json", "x-wayfind-csrf": "1" },
            body: JSON.stringify(body),
          }).then((r) => r.status);
        return [
          await send(`/api/v1/payouts/${payoutId}/paid`, "POST", { reference: "x" }),
          await send("/api/v1/payouts", "POST", {}),
          await send("/api/v1/partner-program", "PATCH", { cookie_days: 10 }),
          await send("/api/v1/partners", "POST", { type: "affiliate", name: "Eve" }),
          await send("/api/v1/report-subscriptions", "POST", { recipients: ["a@b.example"], frequency: "daily" }),
          await send("/api/v1/alert-rules", "POST", { kind: "conversions_zero", recipients: ["a@b.example"] }),
        ];
      },
      { siteId: site.id, payoutId: pending.id },
    );
    expect(writes).toEqual([403, 403, 403, 403, 403, 403]);
  });
});
