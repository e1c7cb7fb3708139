// Reports and alerts, and Recommendations, in Chromium against the built Workers (the real
// recommend Worker, SMTP into the test mailbox): an analyst-level writer adds a report email (the
// API's field errors shown in Chinese next to the field), previews it in a sandboxed frame exactly
// as the API renders it, sends it now and the mailbox receives it; alert rules are created, edited
// and deleted; the model registry's holdout and online figures equal the API's, and an older
// version is promoted back (rollback). axe-core on every view.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailbox } from "../support/mailbox.mjs";
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

let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let stack: Stack;
let site: TestSite;
let opened: OpenedPage;
let page: Page;
const RECIPIENT = "finance@academy.example.com";
const DAY = 86_400_000;

beforeAll(async () => {
  mailbox = await startMailbox();
  stack = await startStack({
    recommend: "built",
    bindings: {
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(mailbox.smtpPort),
      SMTP_SECURITY: "none",
      MAIL_FROM: "reports@academy.example.com",
    },
  });
  site = await createSite(stack);
  const yesterday = Date.now() - DAY;
  await seedEvents(stack, site.id, [
    {
      id: "v1",
      type: "pageview",
      visitor_id: "learner-1",
      ts: yesterday,
      url: "https://academy.example.com/courses/python?utm_source=baidu&utm_medium=cpc&utm_campaign=launch",
    },
    {
      id: "p1",
      type: "purchase",
      visitor_id: "learner-1",
      ts: yesterday + 500,
      order_id: "o1",
      revenue: 399,
      currency: "CNY",
    },
  ]);
  // Two propensity model versions in the registry (as training writes them): v1 served before, v2 now.
  const db = await stack.workers.mf.getD1Database("DB");
  const metrics = (auc: number, lr: number, decision: string) =>
    JSON.stringify({
      metric: "auc",
      value: auc,
      train_ms: 1200,
      export_max_abs_diff: 1e-7,
      promotion: {
        decision,
        reason: `holdout AUC ${auc} vs logistic_regression ${lr}`,
        baseline: "logistic_regression",
        baseline_value: lr,
        required: lr + 0.01,
      },
      holdout: { auc, logistic_regression: lr, examples: 400 },
      examples: 2000,
      positives: 150,
      inputs: 14,
    });
  const now = Date.now();
  for (const [id, version, status, auc, lr] of [
    ["prop_v1", 1, "retired", 0.7412, 0.7021],
    ["prop_v2", 2, "active", 0.7705, 0.7311],
  ] as const) {
    await db
      .prepare(
        "INSERT INTO models (site_id, id, kind, version, status, data_from, data_to, metrics, r2_key, size_bytes, created_at, promoted_at, note) " +
          "VALUES (?1, ?2, 'propensity', ?3, ?4, ?5, ?6, ?7, ?8, 1000, ?9, ?9, NULL)",
      )
      .bind(
        site.id,
        id,
        version,
        status,
        now - 30 * DAY,
        now - version * DAY,
        metrics(auc, lr, "promoted"),
        `models/${id}`,
        now - (3 - version) * DAY,
      )
      .run();
  }
  for (let i = 0; i < 3; i++) {
    await db
      .prepare(
        "INSERT INTO rec_impressions (site_id, id, model_id, endpoint, user_key, items, created_at) VALUES (?1, ?2, 'prop_v2', 'rank', 'u', '[\"a\"]', ?3)",
      )
      .bind(site.id, `rec_${i}`, now - 3_600_000)
      .run();
  }
  opened = await openPage(stack, { locale: "en-US" });
  page = opened.page;
  page.on("dialog", (d) => void d.accept());
  await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
}, 180_000);

afterAll(async () => {
  await opened?.context.close();
  await stack?.close();
  await mailbox?.close();
});

describe("report emails", () => {
  it("says what to do when there are none, and places the API's errors on their fields, in Chinese", async () => {
    await page.goto(`${stack.origin}/reports`);
    await page.getByText("No report emails yet.").waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("banner").getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("button", { name: "添加报告邮件" }).click();
    await page.getByLabel("收件人").fill("not-an-email");
    await page.getByRole("button", { name: "添加报告邮件" }).last().click();
    const error = page.locator(".field-error").first();
    await error.waitFor();
    expect(await error.textContent()).toBe("请输入有效的邮箱地址。");
    expect(await page.locator('[role="alert"]').first().textContent()).toContain("部分字段需要修改");
    await page.getByRole("banner").getByLabel("语言").selectOption("en");
  });

  it("adds one, previews it as the mailer renders it, and sends it now to the mailbox", async () => {
    await page.getByLabel("Recipients").fill(RECIPIENT);
    await page.getByLabel("Name").fill("Weekly ROI");
    await page.getByRole("button", { name: "Add report email" }).last().click();
    const row = page.locator("tbody tr", { hasText: "Weekly ROI" });
    await row.waitFor();
    const subs = await stack.admin<{ data: { id: string; recipients: string[]; frequency: string }[] }>(
      `/api/v1/report-subscriptions?site_id=${site.id}`,
    );
    expect(subs.data).toEqual([expect.objectContaining({ recipients: [RECIPIENT], frequency: "weekly" })]);
    const id = subs.data[0]!.id;

    await row.getByRole("button", { name: "Preview of “Weekly ROI”" }).click();
    const frame = page.locator("iframe.email-preview");
    await frame.waitFor();
    expect(await frame.getAttribute("sandbox")).toBe("");
    const api = await stack.admin<{ subject: string; html: string }>(
      `/api/v1/report-subscriptions/${id}/preview?site_id=${site.id}&format=json`,
    );
    expect(await page.locator("[data-subject]").textContent()).toBe(api.subject);
    // The frame holds the API's HTML (charts inlined as data: URLs, no cid: left) and draws it.
    const srcdoc = (await frame.getAttribute("srcdoc"))!;
    expect(srcdoc.replace(/\/u\/[^"]+/g, "/u/…")).toBe(api.html.replace(/\/u\/[^"]+/g, "/u/…"));
    expect(srcdoc).not.toContain("cid:");
    expect(srcdoc).toContain("data:image/png;base64,");
    await page
      .frameLocator("iframe.email-preview")
      .getByText(/Dashboard Academy/)
      .first()
      .waitFor();
    const html = await fetch(`${stack.origin}/api/v1/report-subscriptions/${id}/preview?site_id=${site.id}`, {
      headers: { authorization: "Bearer dashboard-test-admin" },
    });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await axeViolations(page)).toEqual([]);

    await row.getByRole("button", { name: "Send now: “Weekly ROI”" }).click();
    await page.getByText(/“Weekly ROI” for .*: sent 1, failed 0/).waitFor();
    const mails = (await (await fetch(`${mailbox.httpUrl}/messages?to=${RECIPIENT}`)).json()) as {
      subject: string;
      html: string;
    }[];
    expect(mails).toHaveLength(1);
    // The site is a CNY site in Chinese, so is its email. Send now marks the subject as a test;
    // otherwise the mail is the one the preview showed (its images as parts instead of inline).
    expect(mails[0]!.subject).toBe(`[测试] ${api.subject}`);
    const same = (h: string) =>
      h
        .replace(/src="(cid:[^"]+|data:image\/png;base64,[^"]+)"/g, 'src="IMG"')
        .replace(/\/u\/[^"<\s]+/g, "/u/…")
        .trim();
    expect(same(mails[0]!.html)).toBe(same(api.html));
  });

  it("edits and deletes it", async () => {
    const row = page.locator("tbody tr", { hasText: "Weekly ROI" });
    await row.getByRole("button", { name: "Edit “Weekly ROI”" }).click();
    await page.getByLabel("How often").selectOption("daily");
    await page.getByRole("button", { name: "Save" }).click();
    await row.getByText(/^Daily at 8:00/).waitFor();
    await row.getByRole("button", { name: "Delete “Weekly ROI”" }).click();
    await page.getByText("No report emails yet.").waitFor();
    expect((await stack.admin<{ data: unknown[] }>(`/api/v1/report-subscriptions?site_id=${site.id}`)).data).toEqual(
      [],
    );
  });
});

describe("alert rules", () => {
  it("are created, edited and deleted", async () => {
    await page.getByRole("link", { name: "Alerts", exact: true }).click();
    await page.getByText("No alerts yet.").waitFor();
    await page.getByRole("button", { name: "Add alert" }).click();
    await page.getByLabel("Channel", { exact: true }).fill("Paid Search");
    await page.getByLabel("ROI floor (for example 1.5)").fill("1.5");
    await page.getByLabel("Recipients").fill(RECIPIENT);
    await page.getByRole("button", { name: "Add alert" }).last().click();
    const row = page.locator("tbody tr", { hasText: "ROI of Paid Search below 1.5" });
    await row.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await row.getByRole("button", { name: /^Edit/ }).click();
    await page.getByLabel("ROI floor (for example 1.5)").fill("2");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("tbody tr", { hasText: "ROI of Paid Search below 2 over 7 days" }).waitFor();
    const rules = await stack.admin<{ data: { threshold: number; channel: string }[] }>(
      `/api/v1/alert-rules?site_id=${site.id}`,
    );
    expect(rules.data).toEqual([expect.objectContaining({ threshold: 2, channel: "Paid Search" })]);
    await page
      .locator("tbody tr")
      .first()
      .getByRole("button", { name: /^Delete/ })
      .click();
    await page.getByText("No alerts yet.").waitFor();
  });
});

describe("the Recommendations page", () => {
  it("shows each version's holdout beside its baseline and its online figures, as the API reports them", async () => {
    await page.goto(`${stack.origin}/recommendations`);
    await expect.poll(() => page.locator("main h1").textContent()).toBe("Recommendations");
    const models = await stack.admin<{
      data: { id: string; version: number; metrics: { value: number; promotion: { baseline_value: number } } }[];
    }>(`/api/v1/models?site_id=${site.id}`);
    const perf = await stack.admin<{ data: { model_id: string | null; impressions: number }[] }>(
      `/api/v1/models/performance?site_id=${site.id}&days=30`,
    );
    expect(models.data).toHaveLength(2);
    const four = new Intl.NumberFormat("en", { minimumFractionDigits: 4, maximumFractionDigits: 4 });
    for (const m of models.data) {
      const cells = await page
        .locator("tbody tr", { has: page.locator("th", { hasText: new RegExp(`^${m.version}$`) }) })
        .locator("th, td")
        .allTextContents();
      expect(cells).toContain(four.format(m.metrics.value));
      expect(cells).toContain(four.format(m.metrics.promotion.baseline_value));
      const shown = perf.data.find((p) => p.model_id === m.id)?.impressions ?? 0;
      expect(cells).toContain(String(shown));
    }
    expect(perf.data.find((p) => p.model_id === "prop_v2")?.impressions).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("rolls back by promoting the older version", async () => {
    await page.getByRole("button", { name: "Promote version 1 of the Purchase propensity" }).click();
    await page.getByText("Version 1 of the Purchase propensity is now serving.").waitFor();
    const models = await stack.admin<{ data: { id: string; status: string }[] }>(`/api/v1/models?site_id=${site.id}`);
    expect(Object.fromEntries(models.data.map((m) => [m.id, m.status]))).toEqual({
      prop_v1: "active",
      prop_v2: "retired",
    });
    await page.getByRole("button", { name: "Promote version 2 of the Purchase propensity" }).waitFor();
  });
});
