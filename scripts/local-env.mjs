// Environment for every wrangler call: offline, no telemetry, wrangler's files inside the project.
// Local state lives in .wayfind/ (WAYFIND_DIR moves it: the tests give each stack a folder of its own).
import { mkdirSync } from "node:fs";
import { relative, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");
/** The folder of everything `npm start` keeps: local.json, state/ (D1, Queues, R2), mailbox/, logs/. */
export const wayfindDir = resolve(root, process.env.WAYFIND_DIR ?? ".wayfind");
export const localPaths = {
  facts: resolve(wayfindDir, "local.json"),
  /** wrangler's --persist-to: local D1, Queues and R2. */
  state: resolve(wayfindDir, "state"),
  mailbox: resolve(wayfindDir, "mailbox"),
  logs: resolve(wayfindDir, "logs"),
  /** The pid of a running `npm start` and its process groups (removed when it stops). */
  running: resolve(wayfindDir, "running.json"),
};
/** A path as a user would type it: relative inside the current folder, absolute outside it. */
export function shownPath(path) {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}
mkdirSync(resolve(wayfindDir, "tmp"), { recursive: true });
mkdirSync(resolve(wayfindDir, "config"), { recursive: true });

export const offlineEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  XDG_CONFIG_HOME: resolve(wayfindDir, "config"),
  TMPDIR: resolve(wayfindDir, "tmp"),
};
