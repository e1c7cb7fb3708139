// The processes of `npm start`, and every way it ends. Each child runs in a process group of its own
// (setsid), so wrangler's workerd children stay together and a terminal's signals reach only us; on
// Ctrl-C, SIGTERM, SIGHUP, a crash or an error, each group gets SIGTERM, then SIGKILL after a grace.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";

const groups = new Set();
let shuttingDown = null;
const cleanups = [];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Running processes as /proc lists them (Linux): pid, parent and group. Zombies are left out: they
 * are dead, and wait only for a parent (after re-parenting, whatever init the machine has) to reap them.
 */
function runningProcesses() {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && state !== "X") found.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

const hasProc = existsSync("/proc/self/stat");

/** Whether a group still has a running member. */
function groupAlive(pgid) {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return runningProcesses().some((p) => p.pgrp === pgid);
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if (err.code !== "ESRCH") console.error(`could not ${signal} process group ${pgid}: ${err.message}`);
  }
}

/** spawn() in a new process group, remembered until shutdown. */
export function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid) groups.add(child.pid);
  onGroupsChanged();
  return child;
}

/** Runs a command to completion in its own group; rejects with its stderr tail on failure. */
export function runGroup(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      groups.delete(child.pid);
      onGroupsChanged();
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args[0]} failed (${signal ?? code}):\n${out.slice(-3000)}`));
    });
  });
}

/** Where the running instance is recorded (pid, groups, url); gone once it has stopped. */
let runningFile = null;
let runningFacts = {};
function onGroupsChanged() {
  if (!runningFile) return;
  // Write then rename: a reader (a second start, a test) never sees a half-written file.
  writeFileSync(
    `${runningFile}.tmp`,
    JSON.stringify({ pid: process.pid, groups: [...groups], ...runningFacts }) + "\n",
  );
  renameSync(`${runningFile}.tmp`, runningFile);
}
/** The `npm start` recorded in `file`, if it is still alive (a stale file from a kill -9 is ignored). */
export function runningInstance(file) {
  if (!existsSync(file)) return null;
  try {
    const other = JSON.parse(readFileSync(file, "utf8"));
    if (other.pid === process.pid) return null;
    process.kill(other.pid, 0);
    return readFileSync(`/proc/${other.pid}/cmdline`, "utf8").includes("start.mjs") ? other : null;
  } catch {
    return null;
  }
}
export function recordRunning(file, facts = {}) {
  runningFile = file;
  runningFacts = { ...runningFacts, ...facts };
  onGroupsChanged();
}

/** Stops every group: SIGTERM, up to `graceMs` for them to go, then SIGKILL. */
async function stopGroups(graceMs = 5000) {
  for (const g of groups) signalGroup(g, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while ([...groups].some(groupAlive) && Date.now() < deadline) await sleep(100);
  for (const g of groups) if (groupAlive(g)) signalGroup(g, "SIGKILL");
  // A killed process lingers until the kernel has torn it down: wait, so nothing outlives us.
  const killDeadline = Date.now() + 3000;
  while ([...groups].some(groupAlive) && Date.now() < killDeadline) await sleep(50);
  groups.clear();
}

/** Our own running child processes (pids); [] without /proc. */
const ownChildren = () =>
  hasProc
    ? runningProcesses()
        .filter((p) => p.ppid === process.pid)
        .map((p) => p.pid)
    : [];

/**
 * Stops children started in our own process group, which stopGroups does not reach: esbuild's
 * service (started when the demo loads TypeScript) would otherwise outlive us until it notices its
 * stdin has closed.
 */
async function stopOwnChildren(graceMs = 3000) {
  const signal = (sig) => {
    for (const pid of ownChildren()) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (ownChildren().length && Date.now() < deadline) await sleep(50);
  signal("SIGKILL");
  const killDeadline = Date.now() + 3000;
  while (ownChildren().length && Date.now() < killDeadline) await sleep(50);
}

/** Runs at shutdown before the groups are stopped (e.g. closing the mailbox). */
export function onShutdown(fn) {
  cleanups.push(fn);
}

/** Stops everything and exits with `code`; `reason` (an Error or text) is printed first. */
export function shutdown(code, reason) {
  if (shuttingDown) return shuttingDown;
  shuttingDown = (async () => {
    if (reason) console.error(reason instanceof Error ? (reason.stack ?? reason.message) : reason);
    for (const fn of cleanups.splice(0)) {
      try {
        await fn();
      } catch (err) {
        console.error("cleanup failed:", err);
      }
    }
    await stopGroups();
    await stopOwnChildren();
    if (runningFile) rmSync(runningFile, { force: true });
    process.exit(code);
  })();
  return shuttingDown;
}

/** Every way out of the process goes through shutdown(). Call once, before starting anything. */
export function installExitHandlers() {
  // After a hang-up the terminal is gone: writing to it fails (EIO), which must not stop the cleanup.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  const onSignal = (signal, code) => () => {
    // A second Ctrl-C while stopping: no more grace.
    if (shuttingDown) {
      for (const g of groups) signalGroup(g, "SIGKILL");
      process.exit(code);
    }
    console.error(`\n${signal}: stopping Wayfind…`);
    shutdown(code);
  };
  process.on("SIGINT", onSignal("SIGINT", 130));
  process.on("SIGTERM", onSignal("SIGTERM", 143));
  process.on("SIGHUP", onSignal("SIGHUP", 129));
  // `npm start` runs us under `sh -c`: `kill <npm's pid>` reaches the shell, which dies without
  // passing it on. When the process that started us is gone, so are we.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown(129, "The process that started Wayfind has ended: stopping.");
  }, 500).unref();
  process.on("uncaughtException", (err) => shutdown(1, err));
  process.on("unhandledRejection", (err) => shutdown(1, err));
  // Last resort for a process.exit() from elsewhere: no time to wait, so no grace.
  process.on("exit", () => {
    for (const g of groups) signalGroup(g, "SIGKILL");
    if (runningFile) rmSync(runningFile, { force: true });
  });
}

/** Whether 127.0.0.1:port can be listened on now (what `wrangler dev` and the mailbox will need). */
export function portFree(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err) => (err.code === "EADDRINUSE" ? resolve(false) : reject(err)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
