// The dashboard's browser test harness: the built Workers with the built dashboard served as
// static assets (scripts/run-bundle.mjs, as deployed), headless Chromium (Debian's chromium via
// playwright-core, as test/node/snippet.test.ts), sites and data made through the API with the
// admin token, sign-in through the one-time link, and an axe-core accessibility check.
// Start one stack per test file in beforeAll (it takes a few seconds) and close it in afterAll.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { startBuiltWorkers } from "../../../scripts/run-bundle.mjs";
import { CHANNELS, channelName } from "../../../core/channels";

export const ROOT = resolve(import.meta.dirname, "../../..");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ADMIN_TOKEN = "dashboard-test-admin";
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Stack {
  /** Where the Worker (and the dashboard) answer, e.g. http://127.0.0.1:PORT. */
  origin: string;
  browser: Browser;
  workers: Awaited<ReturnType<typeof startBuiltWorkers>>;
  /** A JSON API call with the admin token; throws on a non-2xx answer. */
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * `recommend: "built"` runs the real recommend Worker (the Recommendations page reads its registry);
 * `bindings` adds Worker variables (an SMTP mailbox for the report emails, for example).
 */
export async function startStack({
  recommend = "stub",
  bindings = {},
}: { recommend?: "stub" | "built"; bindings?: Record<string, string> } = {}): Promise<Stack> {
  // By default the recommend Worker is a stub: most pages do not need models.
  const workers = await startBuiltWorkers({ root: ROOT, adminToken: ADMIN_TOKEN, recommend, port: 0, bindings });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const origin = workers.url.origin;
  return {
    origin,
    browser,
    workers,
    async admin<T>(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
      const res = await workers.mf.dispatchFetch(new URL(path, workers.url), {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await browser.close();
      await workers.mf.dispose();
    },
  };
}

export interface TestSite {
  id: string;
  public_key: string;
  name: string;
  currency: string;
  timezone: string;
}

export function createSite(stack: Stack, settings: Record<string, unknown> = {}): Promise<TestSite> {
  return stack.admin<TestSite>("/api/v1/sites", {
    name: "Dashboard Academy",
    domain: "academy.example.com",
    currency: "CNY",
    timezone: "Asia/Shanghai",
    ...settings,
  });
}

/**
 * Sends server events, waits until the queue consumer has stored them all, then rebuilds the
 * site's rollups so reports include them at once (instead of the 15-minute cron).
 */
export async function seedEvents(stack: Stack, siteId: string, events: Record<string, unknown>[]): Promise<void> {
  const sent = await stack.admin<{ accepted: number }>(`/api/v1/events?site_id=${siteId}`, { events });
  if (sent.accepted !== events.length) throw new Error(`only ${sent.accepted} of ${events.length} events accepted`);
  for (let i = 0; i < 150; i++) {
    const stored = await stack.admin<{ data: unknown[] }>(`/api/v1/events?site_id=${siteId}&limit=1000`);
    if (stored.data.length >= events.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stack.admin(`/api/v1/reports/rebuild?site_id=${siteId}`, undefined, "POST");
}

/** A person who owns `siteIds`, and a fresh one-time sign-in link for them (POST /api/v1/users). */
export async function signInLink(stack: Stack, email: string, siteIds: string[]): Promise<string> {
  const made = await stack.admin<{ sign_in_url: string }>("/api/v1/users", { email, site_ids: siteIds });
  return made.sign_in_url;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for tests to assert on. */
  errors: string[];
}

/** A fresh browser context (its own cookies and storage) in `locale`, which sets navigator.languages. */
export async function openPage(
  stack: Stack,
  { locale = "en-US", viewport = { width: 1280, height: 900 } } = {},
): Promise<OpenedPage> {
  const context = await stack.browser.newContext({ locale, viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { context, page, errors };
}

/** Opens a one-time sign-in link and waits for the signed-in shell at `landing` (default /). */
export async function signIn(page: Page, link: string, landing = "/"): Promise<void> {
  await page.goto(link);
  await page.waitForURL((url) => url.pathname === landing && !url.searchParams.has("token"));
  await page.locator("main h1").first().waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is now and returns its violations of the given impact (default:
 * serious and critical), each with the elements at fault, ready for `expect(...).toEqual([])`.
 */
export async function axeViolations(page: Page, impacts: string[] = ["serious", "critical"]): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the dashboard's CSP (script-src 'self') rightly refuses
  // an injected <script>, and the check should run under the real headers.
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (o: unknown) => Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run({ resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id as string,
      impact: v.impact as string | null,
      help: v.help as string,
      targets: (v.nodes as { target: string[] }[]).map((n) => n.target.join(" ")),
    }));
  });
  return found.filter((v) => v.impact !== null && impacts.includes(v.impact));
}

/**
 * English left on a page shown in Chinese: the GA4 channel names that zh-CN names otherwise, and
 * the API's "(none)", anywhere in `main` (table cells, select options, chart labels and legends).
 */
export async function englishLeft(page: Page): Promise<string[]> {
  const text = (await page.locator("main").textContent()) ?? "";
  const words = [...CHANNELS.filter((c) => channelName("zh-CN", c) !== c), "(none)"];
  return words.filter((w) => text.includes(w));
}
