// Drives `npm start` (scripts/start.mjs, the code path npm start runs) as a real process for the
// tests, each stack in a state folder of its own, and finds what it left behind: every process
// it starts inherits a marker in its environment, so leftovers are found in /proc even after
// they were re-parented or changed process group.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { expect } from "vitest";

export const root = resolve(import.meta.dirname, "../..");
const bin = resolve(root, "node_modules/.bin");

export interface Facts {
  url: string;
  admin_token: string;
  mailbox_url: string;
  demo_site_id?: string;
  demo_site_key?: string;
  demo_secret_key?: string;
  demo_report_subscription_id?: string;
}

export interface Stack {
  proc: ChildProcess;
  dir: string;
  port: number;
  url: string;
  mark: string;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or 128 + signal) once the process has exited. */
  exited: Promise<number>;
  facts(): Facts;
  /** The pid and process groups recorded in running.json while it runs. */
  running(): { pid: number; groups: number[] } | null;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

export function newStateDir(): string {
  return mkdtempSync(resolve(tmpdir(), "wayfind-start-"));
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Starts scripts/start.mjs in a process group of its own (as a terminal's job would be). */
export function startStack(o: { dir: string; port: number; env?: Record<string, string>; mark?: string }): Stack {
  const mark = o.mark ?? randomUUID();
  const proc = spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      WAYFIND_DIR: o.dir,
      PORT: String(o.port),
      MAILBOX_SMTP_PORT: "0",
      MAILBOX_HTTP_PORT: "0",
      WAYFIND_TEST_MARK: mark,
      ...o.env,
    },
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number>((ok) =>
    proc.on("exit", (code, signal) => ok(code ?? 128 + (SIGNALS[signal ?? ""] ?? 0))),
  );
  return {
    proc,
    dir: o.dir,
    port: o.port,
    url: `http://127.0.0.1:${o.port}`,
    mark,
    output: () => out,
    exited,
    facts: () => JSON.parse(readFileSync(resolve(o.dir, "local.json"), "utf8")) as Facts,
    running: () => {
      const f = resolve(o.dir, "running.json");
      return existsSync(f) ? JSON.parse(readFileSync(f, "utf8")) : null;
    },
  };
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await probe();
    } catch {}
    if (value !== undefined && value !== (false as T)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits for the banner; fails at once (with the output) if the process exits first. */
export async function waitReady(stack: Stack, timeoutMs = 180_000): Promise<Facts> {
  const early = stack.exited.then((code) => {
    throw new Error(`start.mjs exited (${code}) before it was ready:\n${stack.output().slice(-4000)}`);
  });
  early.catch(() => {});
  await Promise.race([
    early,
    waitFor("the npm start banner", timeoutMs, () => stack.output().includes("Wayfind is running")),
  ]);
  return stack.facts();
}

/** Pids of live processes carrying the stack's marker (zombies have no environment and are skipped). */
export function markedProcesses(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, "utf8").includes(`WAYFIND_TEST_MARK=${mark}`)) found.push(Number(name));
    } catch {}
  }
  return found;
}

/** Fails, naming each process (`ps`: pid, group, state, command), if any carrying `mark` is alive. */
export function expectNoneLeft(mark: string) {
  const left = markedProcesses(mark);
  let described = "";
  if (left.length) {
    try {
      described = execFileSync("ps", ["-o", "pid,pgid,stat,etime,args", "-p", left.join(",")], { encoding: "utf8" });
    } catch {
      described = `pids ${left.join(", ")} (gone by the time ps ran)`;
    }
  }
  expect(left, described).toEqual([]);
}

/** Running members of a process group, as `ps -o pid= -g <pgid>` lists them, zombies left out (they are dead, waiting for init to reap them). */
export function groupMembers(pgid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=,stat=", "-g", String(pgid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, stat]) => pid && !stat?.startsWith("Z"))
      .map(([pid]) => Number(pid));
  } catch {
    return []; // ps exits 1 when the group is empty
  }
}

/** Test clean-up, whatever state the stack is in: SIGKILL to its group and to every marked process. */
export function destroyStack(stack: Stack | undefined) {
  if (!stack) return;
  // running.json may belong to another instance on the same folder: only this one's groups.
  const running = stack.running();
  const groups = running && running.pid === stack.proc.pid ? running.groups : [];
  for (const pgid of [stack.proc.pid, ...groups]) {
    try {
      if (pgid) process.kill(-pgid, "SIGKILL");
    } catch {}
  }
  for (const pid of markedProcesses(stack.mark)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}

export function removeDir(dir: string | undefined) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
