// The Experiments page in headless Chromium against the built Workers: the list with statuses, a
// draft created, edited, started and stopped with a decision through the forms (the API's issue next
// to the field at fault), results showing the API's figures (frequentist and Bayesian), the daily
// chart, a creative test's spend and Thompson allocation; a viewer sees no write control and the
// API refuses their writes; zh-CN ↔ en leaves no catalog key; axe-core finds nothing serious.
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

let stack: Stack;
let site: TestSite;
let opened: OpenedPage[] = [];
let page: Page;

interface Results {
  variants: string[];
  units: number[];
  metrics: {
    metric: string;
    means: number[];
    results: { effect: number | null; adjusted_p_value: number | null; chance_to_win: number | null }[];
  }[];
}

const q = (path: string) => `${path}${path.includes("?") ? "&" : "?"}site_id=${site.id}`;

async function open(locale = "en-US"): Promise<Page> {
  const o = await openPage(stack, { locale });
  opened.push(o);
  o.page.on("dialog", (d) => void d.accept());
  return o.page;
}

/** The raw figure the results table shows in a cell (data-cell="metric:variant:field"). */
const shown = async (cell: string) => Number(await page.locator(`[data-cell="${cell}"]`).getAttribute("data-value"));

/** Visible text, aria labels, titles and placeholders: none may be a catalog key. */
function untranslated(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const doc = (globalThis as any).document;
    const texts: string[] = [];
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n.textContent ?? "");
    for (const el of doc.querySelectorAll("[aria-label],[title],[placeholder]"))
      for (const a of ["aria-label", "title", "placeholder"]) if (el.getAttribute(a)) texts.push(el.getAttribute(a));
    return texts.filter((t: string) =>
      /\b(?:nav|common|errors|experiments|form|table)\.[a-z_]+(?:\.[a-z_]+)*\b/.test(t),
    );
  });
}

beforeAll(async () => {
  stack = await startStack();
  site = await createSite(stack);
  // An on-site test: 12 visitors per arm, 3 buy in a and 6 in b.
  await stack.admin(q("/api/v1/experiments"), {
    key: "pricing-page",
    name: "Shorter pricing page",
    variants: ["a", "b"],
    hypothesis: "A shorter page sells more",
    guardrails: ["revenue"],
  });
  await stack.admin(q("/api/v1/experiments/pricing-page/start"), {});
  await stack.admin(q("/api/v1/experiments"), { key: "checkout-copy", name: "Checkout copy", variants: ["a", "b"] });
  await stack.admin(q("/api/v1/experiments/checkout-copy/start"), {});
  // A creative test on two campaigns with spend.
  await stack.admin(q("/api/v1/experiments"), {
    key: "spring-ads",
    name: "Spring ads",
    kind: "creative",
    creative_field: "utm_campaign",
    variants: ["spring-a", "spring-b"],
    primary_metric: "revenue",
  });
  await stack.admin(q("/api/v1/experiments/spring-ads/start"), {});
  const now = Date.now() + 1000;
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 24; i++) {
    const variant = i % 2 ? "b" : "a";
    const visitor = `exp-${i}`;
    events.push({
      id: `x${i}`,
      type: "custom",
      name: "Experiment Exposure",
      visitor_id: visitor,
      ts: now + i * 1000,
      url: "https://academy.example.com/pricing",
      props: { experiment: "pricing-page", variant },
    });
    if (i < (variant === "a" ? 6 : 12) && (variant === "b" || i % 4 === 0))
      events.push({
        id: `xp${i}`,
        type: "purchase",
        visitor_id: visitor,
        ts: now + i * 1000 + 500,
        order_id: `exp-order-${i}`,
        revenue: 199,
        currency: "CNY",
      });
  }
  // A split far from its 50/50 weights: 30 visitors in a, 8 in b.
  for (let i = 0; i < 38; i++)
    events.push({
      id: `srm${i}`,
      type: "custom",
      name: "Experiment Exposure",
      visitor_id: `srm-${i}`,
      ts: now + i * 1000,
      url: "https://academy.example.com/checkout",
      props: { experiment: "checkout-copy", variant: i < 30 ? "a" : "b" },
    });
  for (let i = 0; i < 8; i++) {
    const campaign = i % 2 ? "spring-b" : "spring-a";
    events.push({
      id: `l${i}`,
      type: "pageview",
      visitor_id: `ad-${i}`,
      ts: now + i * 1000,
      url: `https://academy.example.com/courses/python?utm_source=douyin&utm_medium=cpc&utm_campaign=${campaign}`,
    });
    if (campaign === "spring-b" || i === 0)
      events.push({
        id: `lp${i}`,
        type: "purchase",
        visitor_id: `ad-${i}`,
        ts: now + i * 1000 + 500,
        order_id: `ad-order-${i}`,
        revenue: 299,
        currency: "CNY",
      });
  }
  await seedEvents(stack, site.id, events);
  const day = new Date(now).toISOString().slice(0, 10);
  await stack.admin(
    q("/api/v1/costs"),
    ["spring-a", "spring-b"].map((campaign) => ({
      date: day,
      source: "douyin",
      medium: "cpc",
      campaign,
      cost: 500,
      currency: "CNY",
    })),
  );
  page = await open();
  await signIn(page, await signInLink(stack, "owner@academy.example.com", [site.id]));
}, 180_000);

afterAll(async () => {
  for (const o of opened) await o.context.close();
  await stack?.close();
});

describe("the Experiments page", () => {
  it("lists the experiments with their status", async () => {
    await page.getByRole("link", { name: "Experiments" }).click();
    await page.locator("tbody tr", { hasText: "Shorter pricing page" }).waitFor();
    expect(await page.locator('tbody tr [data-status="running"]').count()).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows the API's figures per metric and variant, in both engines, with the daily chart", async () => {
    await page.locator("tbody tr a", { hasText: "Shorter pricing page" }).click();
    await page.locator('[data-cell="purchase:b:effect"]').waitFor();
    const api = await stack.admin<Results>(q("/api/v1/experiments/pricing-page/results"));
    expect(api.units).toEqual([12, 12]);
    for (const [m, metric] of api.metrics.entries()) {
      for (const [i, variant] of api.variants.entries())
        expect(await shown(`${metric.metric}:${variant}:mean`)).toBeCloseTo(metric.means[i]!, 9);
      expect(await shown(`${metric.metric}:b:effect`), `${m}`).toBeCloseTo(metric.results[0]!.effect!, 9);
      expect(await shown(`${metric.metric}:b:p`)).toBeCloseTo(metric.results[0]!.adjusted_p_value!, 9);
    }
    expect(await page.locator('[data-cell="purchase:b:effect"]').textContent()).toBe(
      new Intl.NumberFormat("en", {
        style: "percent",
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        signDisplay: "exceptZero",
      }).format(api.metrics[0]!.results[0]!.effect!),
    );
    await page.locator(".chart-canvas svg").first().waitFor(); // the cumulative chart, drawn
    await expect.poll(() => page.locator(".chart-canvas svg path").count()).toBeGreaterThan(3);
    expect(await page.locator("[data-srm-warning]").count()).toBe(0);
    if (process.env.SHOTS) await page.screenshot({ path: "/tmp/exp2-results.png", fullPage: true });
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel("Statistics").selectOption("bayesian");
    await page.locator('[data-cell="purchase:b:chance"]').waitFor();
    const bayes = await stack.admin<Results>(q("/api/v1/experiments/pricing-page/results?engine=bayesian"));
    expect(await shown("purchase:b:chance")).toBeCloseTo(bayes.metrics[0]!.results[0]!.chance_to_win!, 9);
  });

  it("warns of a sample ratio mismatch with the API's p-value", async () => {
    await page.goto(`${stack.origin}/experiments/checkout-copy`);
    const warning = page.locator("[data-srm-warning]");
    await warning.waitFor();
    const api = await stack.admin<{ units: number[]; srm: { p_value: number; warning: boolean } }>(
      q("/api/v1/experiments/checkout-copy/results"),
    );
    expect(api.units).toEqual([30, 8]);
    expect(api.srm.warning).toBe(true);
    expect(await warning.textContent()).toContain(
      `p = ${new Intl.NumberFormat("en", { minimumFractionDigits: 4, maximumFractionDigits: 4 }).format(api.srm.p_value)}`,
    );
  });

  it("shows a creative test's spend and the Thompson allocation the API suggests", async () => {
    await page.goto(`${stack.origin}/experiments/spring-ads`);
    await page.locator("[data-share]").first().waitFor();
    const api = await stack.admin<{ variants: { variant: string; share: number }[] }>(
      q("/api/v1/experiments/spring-ads/allocation"),
    );
    for (const v of api.variants)
      expect(Number(await page.locator(`[data-share="${v.variant}"]`).getAttribute("data-value"))).toBe(v.share);
    expect(api.variants[1]!.share).toBeGreaterThan(api.variants[0]!.share);
    if (process.env.SHOTS) await page.screenshot({ path: "/tmp/exp2-creative.png", fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  });

  it("creates, edits, starts and stops a draft through the forms, with the API's issue at the field", async () => {
    await page.goto(`${stack.origin}/experiments`);
    await page.getByRole("button", { name: "New experiment" }).click();
    await page.getByLabel("Key", { exact: true }).fill("checkout");
    await page.getByLabel("Name", { exact: true }).fill("One-step checkout");
    await page.getByLabel("Weights", { exact: true }).fill("0.7, 0.7");
    await page.getByRole("button", { name: "Create draft" }).click();
    const error = page.locator(".field-error").first();
    await error.waitFor();
    expect(await error.textContent()).toContain("sum to 1");
    await page.getByLabel("Weights", { exact: true }).fill("");
    await page.getByRole("button", { name: "Create draft" }).click();
    if (process.env.SHOTS) await page.screenshot({ path: "/tmp/exp2-form.png", fullPage: true });
    const row = page.locator("tbody tr", { hasText: "One-step checkout" });
    await row.locator('[data-status="draft"]').waitFor();

    await row.getByRole("button", { name: "Edit One-step checkout" }).click();
    await page.getByLabel("Name", { exact: true }).fill("One-step checkout v2");
    await page.getByLabel("CUPED pre-period (days)").fill("7");
    await page.getByRole("button", { name: "Save" }).click();
    const edited = page.locator("tbody tr", { hasText: "One-step checkout v2" });
    await edited.waitFor();
    const draft = await stack.admin<{ name: string; cuped_days: number }>(q("/api/v1/experiments/checkout"));
    expect(draft).toMatchObject({ name: "One-step checkout v2", cuped_days: 7 });

    await edited.getByRole("button", { name: "Start One-step checkout v2" }).click();
    await edited.locator('[data-status="running"]').waitFor();
    await edited.getByRole("button", { name: "Stop One-step checkout v2" }).click();
    await page.getByLabel("Winner").selectOption("b");
    await page.getByLabel("Decision").fill("Ship one step");
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await edited.locator('[data-status="stopped"]').waitFor();
    const stopped = await stack.admin<{ status: string; winner: string; decision: string }>(
      q("/api/v1/experiments/checkout"),
    );
    expect(stopped).toMatchObject({ status: "stopped", winner: "b", decision: "Ship one step" });
    expect(await edited.textContent()).toContain("Ship one step");
  });

  it("shows when a stopped experiment stopped", async () => {
    await page.goto(`${stack.origin}/experiments/checkout`);
    const at = page.locator("[data-stopped-at]");
    await at.waitFor();
    const api = await stack.admin<{ stopped_at: string }>(q("/api/v1/experiments/checkout"));
    expect(api.stopped_at).toBeTruthy();
    expect(await at.getAttribute("data-stopped-at")).toBe(api.stopped_at);
    expect(await page.locator(".kpi", { has: at }).locator("dt").textContent()).toBe("Stopped");
  });

  it("an unknown key shows one not-found state with a way back, and nothing else", async () => {
    await page.goto(`${stack.origin}/experiments/nope`);
    const empty = page.locator("main .empty");
    await empty.waitFor();
    expect(await empty.count()).toBe(1);
    expect(await empty.textContent()).toContain("There is no experiment with this key on this site.");
    expect(await page.locator("main").getByText("Not found.").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Try again" }).count()).toBe(0);
    expect(await page.getByLabel("Statistics").count()).toBe(0);
    expect(await page.locator("main h2", { hasText: "Results" }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("link", { name: "Back to all experiments" }).click();
    await page.locator("tbody tr", { hasText: "Shorter pricing page" }).waitFor();
  });

  it("a running experiment without exposures says so instead of showing 0 visitors and 0.0 %", async () => {
    await stack.admin(q("/api/v1/experiments"), { key: "quiet", name: "Quiet test", variants: ["a", "b"] });
    await stack.admin(q("/api/v1/experiments/quiet/start"), {});
    const api = await stack.admin<{ units: (number | null)[] }>(q("/api/v1/experiments/quiet/results"));
    expect(api.units.every((u) => !u)).toBe(true);
    await page.goto(`${stack.origin}/experiments/quiet`);
    await page.locator("main .empty", { hasText: "No exposures yet." }).waitFor();
    expect(await page.locator("[data-cell]").count()).toBe(0);
  });

  it("switching zh-CN ↔ en leaves no catalog key on the list or the results, and zh-CN stays accessible", async () => {
    for (const path of ["/experiments", "/experiments/pricing-page", "/experiments/spring-ads"]) {
      await page.goto(`${stack.origin}${path}`);
      await page.locator("table").first().waitFor();
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      await page.getByRole("banner").getByLabel("Language").selectOption("zh-CN");
      await expect.poll(() => page.locator("nav a", { hasText: "实验" }).count()).toBe(1);
      await expect.poll(() => page.locator(".loading").count()).toBe(0);
      expect(await untranslated(page), `${path} zh-CN`).toEqual([]);
      // A label and its text joined by the full-width colon in Chinese.
      if (path === "/experiments/pricing-page")
        expect(await page.locator("main").textContent()).toContain("假设：A shorter page sells more");
      expect(await axeViolations(page), `${path} zh-CN`).toEqual([]);
      await page.getByRole("banner").getByLabel("语言").selectOption("en");
      await expect.poll(() => page.locator("nav a", { hasText: "Experiments" }).count()).toBe(1);
      expect(await untranslated(page), `${path} en`).toEqual([]);
    }
  });
});

describe("a viewer", () => {
  it("sees no write control, and the API refuses their writes", async () => {
    const link = await signInLink(stack, "viewer@academy.example.com", [site.id]);
    const members = await stack.admin<{ data: { user_id: string; email: string }[] }>(
      `/api/v1/sites/${site.id}/members`,
    );
    const id = members.data.find((m) => m.email === "viewer@academy.example.com")!.user_id;
    await stack.admin(`/api/v1/sites/${site.id}/members/${id}`, { role: "viewer" }, "PATCH");
    const viewer = await open();
    await signIn(viewer, link);
    await viewer.goto(`${stack.origin}/experiments`);
    await viewer.locator("tbody tr", { hasText: "Shorter pricing page" }).waitFor();
    expect(await viewer.getByRole("button", { name: "New experiment" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /^(Edit|Start|Stop) / }).count()).toBe(0);
    expect(await axeViolations(viewer)).toEqual([]);
    const writes = await viewer.evaluate(async (siteId) => {
      const send = (path: string, method: string, body: unknown) =>
        fetch(`${path}?site_id=${siteId}`, {
          method,
          headers: { "content-type": "application/json", "x-wayfind-csrf": "1" },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      return [
        await send("/api/v1/experiments", "POST", { key: "v", name: "V", variants: ["a", "b"] }),
        await send("/api/v1/experiments/pricing-page/stop", "POST", {}),
        await send("/api/v1/experiments/checkout", "PATCH", { name: "x" }),
      ];
    }, site.id);
    expect(writes).toEqual([403, 403, 403]);
  });
});
