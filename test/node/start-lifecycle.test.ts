// Every way `npm start` ends stops everything it started: SIGTERM, SIGHUP (the terminal closed), a
// crash while seeding; and a second start on a port in use says so at once and leaves the first
// instance alone. "Nothing left" is checked twice: wrangler's process group is empty
// (ps -o pid= -g <pgid>) and no process carries the stack's environment marker.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  destroyStack,
  freePort,
  groupMembers,
  expectNoneLeft,
  newStateDir,
  removeDir,
  type Stack,
  startStack,
  waitFor,
  waitReady,
} from "../support/stack";

// No demo (lifecycle only), and every cron every 2 s, so a signal lands while they run; the
// recommend Worker's cron shows that the second Worker is reached.
const QUICK = {
  WAYFIND_SEED: "none",
  WAYFIND_CRON_SCHEDULE: JSON.stringify({
    "*/15 * * * *": "*/2 * * * * *",
    "7 * * * *": "*/2 * * * * *",
    "17 3 * * *": "off",
    "41 2 * * *": "1-59/2 * * * * *",
  }),
};

/** Starts a stack and waits for it and for a cron run on the recommend Worker; returns wrangler's groups. */
async function startQuick(dir: string, port: number) {
  const stack = startStack({ dir, port, env: QUICK });
  await waitReady(stack);
  await waitFor("a cron run on the recommend Worker", 30_000, () =>
    /\[cron\] \S+ {2}wayfind-recommend {2}41 2 \* \* \* {2}ok/.test(stack.output()),
  );
  const groups = stack.running()!.groups;
  expect(groups.length).toBeGreaterThan(0);
  for (const g of groups) expect(groupMembers(g).length).toBeGreaterThan(1); // wrangler and its workerd
  return { stack, groups };
}

async function expectAllGone(stack: Stack, groups: number[]) {
  for (const g of groups) expect(groupMembers(g)).toEqual([]);
  expectNoneLeft(stack.mark);
  expect(existsSync(resolve(stack.dir, "running.json"))).toBe(false);
  // The port is free again.
  await expect(fetch(`${stack.url}/healthz`)).rejects.toThrow();
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

describe("npm start stops what it started", () => {
  describe("on SIGTERM, and a second start on its port", () => {
    let dir: string;
    let first: { stack: Stack; groups: number[] };

    beforeAll(async () => {
      dir = newStateDir();
      first = await startQuick(dir, await freePort());
    }, 240_000);
    afterAll(() => {
      destroyStack(first?.stack);
      removeDir(dir);
    });

    it("a second start on a port in use says so at once, exits 1 and leaves the first running", async () => {
      const otherDir = newStateDir();
      const second = startStack({ dir: otherDir, port: first.stack.port, env: QUICK });
      cleanup.push(() => {
        destroyStack(second);
        removeDir(otherDir);
      });
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`Port ${first.stack.port} (the Workers) is already in use`);
      expect(second.output()).toContain(`PORT=${first.stack.port + 1} npm start`);
      expect(second.output()).not.toContain("Wayfind is running");
      expectNoneLeft(second.mark);
      // Nothing of the second was started: no state, no migrations.
      expect(existsSync(resolve(otherDir, "state"))).toBe(false);
      const health = await fetch(`${first.stack.url}/healthz`);
      expect(health.status).toBe(200);
      expect(first.stack.running()!.groups).toEqual(first.groups);
    }, 60_000);

    it("a second start on the same state folder refuses too", async () => {
      const second = startStack({ dir, port: await freePort(), env: QUICK });
      cleanup.push(() => destroyStack(second));
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`already running on this folder's state (pid ${first.stack.proc.pid}`);
      expect((await fetch(`${first.stack.url}/healthz`)).status).toBe(200);
    }, 60_000);

    it("SIGTERM stops every process and exits 143", async () => {
      first.stack.proc.kill("SIGTERM");
      expect(await first.stack.exited).toBe(143);
      await expectAllGone(first.stack, first.groups);
    }, 60_000);
  });

  it("SIGHUP to its process group (the terminal closed) stops every process", async () => {
    const dir = newStateDir();
    const { stack, groups } = await startQuick(dir, await freePort());
    cleanup.push(() => {
      destroyStack(stack);
      removeDir(dir);
    });
    process.kill(-stack.proc.pid!, "SIGHUP");
    expect(await stack.exited).toBe(129);
    await expectAllGone(stack, groups);
  }, 240_000);

  it("a crash while seeding stops every process; the next start finishes the demo", async () => {
    const dir = newStateDir();
    const port = await freePort();
    const crashing = startStack({ dir, port, env: { WAYFIND_SEED: "no-train", WAYFIND_TEST_CRASH: "seed" } });
    let next: Stack | undefined;
    cleanup.push(() => {
      destroyStack(crashing);
      destroyStack(next);
      removeDir(dir);
    });
    // The groups, read while it runs (running.json goes away with it).
    const groups = new Set<number>();
    const watch = setInterval(() => crashing.running()?.groups.forEach((g) => groups.add(g)), 50);
    const code = await crashing.exited;
    clearInterval(watch);
    expect(code).toBe(1);
    expect(crashing.output()).toContain("WAYFIND_TEST_CRASH=seed");
    expect(crashing.output()).not.toContain("Wayfind is running");
    await expectAllGone(crashing, [...groups]);

    // The site and its partners (their referral codes) exist, local.json does not: no "code taken".
    expect(existsSync(resolve(dir, "local.json"))).toBe(false);
    next = startStack({
      dir,
      port,
      env: { WAYFIND_SEED: "no-train", WAYFIND_CRON_SCHEDULE: QUICK.WAYFIND_CRON_SCHEDULE },
    });
    const facts = await waitReady(next);
    expect(next.output()).toContain("The demo was not fully seeded: finishing it.");
    expect(next.output()).not.toContain("taken");
    const local = JSON.parse(readFileSync(resolve(dir, "local.json"), "utf8"));
    expect(local.demo_site_id).toBe(facts.demo_site_id);
    const res = await fetch(`${facts.url}/api/v1/reports/roi?site_id=${facts.demo_site_id}`, {
      headers: { authorization: `Bearer ${facts.demo_secret_key}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data_until: string | null }).data_until).toBeTruthy();
    next.proc.kill("SIGINT");
    expect(await next.exited).toBe(130);
    expectNoneLeft(next.mark);
  }, 300_000);
});
