// `npm start` runs the crons on schedule with nothing triggered by hand: the rollup moves the ROI
// reports' data_until forward, and the hourly report job mails a due weekly report. The product's
// crons stay as they are; WAYFIND_CRON_SCHEDULE only fires them every few seconds here. Then a
// restart (Ctrl-C) on the same state, with local.json deleted, reuses the seeded demo and the
// mailbox still has the email.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  destroyStack,
  type Facts,
  freePort,
  expectNoneLeft,
  newStateDir,
  removeDir,
  root,
  type Stack,
  startStack,
  waitFor,
  waitReady,
} from "../support/stack";

const SCHEDULE = {
  "*/15 * * * *": "*/4 * * * * *", // the rollup, every 4 s
  "7 * * * *": "2-59/4 * * * * *", // the report job, every 4 s, between rollups
  "17 3 * * *": "off",
  "41 2 * * *": "off", // training: not needed here, and the costliest
};
const FOUNDER = "founder@demo.wayfind.local";

interface Mail {
  id: number;
  subject: string;
  envelopeTo: string[];
}

describe("npm start fires the crons on schedule", () => {
  let dir: string;
  let stack: Stack | undefined;
  let facts: Facts;
  let env: Record<string, string>;

  const api = async (path: string) => {
    const res = await fetch(`${facts.url}${path}`, { headers: { authorization: `Bearer ${facts.demo_secret_key}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const dataUntil = async () =>
    (await api(`/api/v1/reports/roi?site_id=${facts.demo_site_id}&group_by=channel`)).data_until as string;
  const mails = async (url = facts.mailbox_url) =>
    (await (await fetch(`${url}/messages?to=${encodeURIComponent(FOUNDER)}`)).json()) as Mail[];

  beforeAll(async () => {
    dir = newStateDir();
    const [port, smtp, http] = await Promise.all([freePort(), freePort(), freePort()]);
    env = {
      WAYFIND_SEED: "no-train",
      WAYFIND_CRON_SCHEDULE: JSON.stringify(SCHEDULE),
      MAILBOX_SMTP_PORT: String(smtp),
      MAILBOX_HTTP_PORT: String(http),
    };
    stack = startStack({ dir, port, env });
    facts = await waitReady(stack);
  }, 240_000);

  afterAll(() => {
    destroyStack(stack);
    removeDir(dir);
  });

  it("the rollup cron moves data_until forward", async () => {
    const before = await dataUntil();
    expect(before).toBeTruthy();
    const after = await waitFor("data_until to advance", 60_000, async () => {
      const now = await dataUntil();
      return now > before ? now : undefined;
    });
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    expect(stack!.output()).toMatch(/\[cron\] \S+ {2}wayfind {2}\*\/15 \* \* \* \* {2}ok/);
  }, 90_000);

  it("the hourly report cron mails a weekly report that has come due", async () => {
    // The demo's weekly subscription was created just now, so its first Monday is still ahead: make
    // it a week old, as for someone who started Wayfind last week (the only write behind the API).
    const sub = facts.demo_report_subscription_id!;
    expect(sub).toMatch(/^[\w-]+$/);
    execFileSync(
      "wrangler",
      ["d1", "execute", "DB", "--local", "--persist-to", resolve(dir, "state"), "--command"].concat(
        `UPDATE report_subscriptions SET created_at = created_at - 8 * 86400000 WHERE id = '${sub}'`,
      ),
      {
        cwd: root,
        stdio: "ignore",
        env: {
          ...process.env,
          PATH: `${resolve(root, "node_modules/.bin")}:${process.env.PATH}`,
          CI: "true",
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          XDG_CONFIG_HOME: resolve(dir, "config"),
          TMPDIR: resolve(dir, "tmp"),
        },
        timeout: 60_000,
      },
    );
    const weekly = await waitFor("the weekly report in the mailbox", 90_000, async () =>
      // The demo is a CNY site, so its founder reads Chinese: 收入 (revenue) in ¥.
      (await mails()).find((m) => /^Demo Academy .+：收入 ¥/.test(m.subject)),
    );
    expect(weekly.envelopeTo).toEqual([FOUNDER]);
    // The mailbox's page for it shows the HTML with the two charts inlined (no cid: left to resolve).
    const page = await (await fetch(`${facts.mailbox_url}/messages/${weekly.id}`)).text();
    expect(page.match(/data:image\/png;base64,/g)).toHaveLength(2);
    expect(page).not.toContain("cid:");
    // The report job runs in the recommend Worker (its charts' renderer is not in the capture Worker).
    expect(stack!.output()).toMatch(/\[cron\] \S+ {2}wayfind-recommend {2}7 \* \* \* \* {2}ok/);
  }, 150_000);

  it("after Ctrl-C and a deleted local.json, the next start reuses the demo and keeps the mail", async () => {
    const first = stack!;
    first.proc.kill("SIGINT");
    // Failures here print the first stack's last output (a crash before the signal shows there).
    expect(await first.exited, first.output().slice(-3000)).toBe(130);
    expectNoneLeft(first.mark);
    rmSync(resolve(dir, "local.json"));
    stack = startStack({ dir, port: first.port, env });
    const again = await waitReady(stack);
    expect(stack.output()).toContain(`Found the demo site ${facts.demo_site_id} in the database`);
    expect(stack.output()).not.toContain("Seeding");
    expect(again.demo_site_id).toBe(facts.demo_site_id);
    expect(again.mailbox_url).toBe(facts.mailbox_url); // fixed ports, written to local.json
    // A new secret key (the old one is stored hashed), and it works.
    expect(again.demo_secret_key).not.toBe(facts.demo_secret_key);
    facts = again;
    expect(await dataUntil()).toBeTruthy();
    expect((await mails()).some((m) => m.subject.startsWith("Demo Academy"))).toBe(true);
    const page = await (await fetch(`${again.mailbox_url}/`)).text();
    expect(page).toContain("Demo Academy");
  }, 240_000);
});
