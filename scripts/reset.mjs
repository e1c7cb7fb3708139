// `npm run reset`: deletes the local state of `npm start` (the D1 database, queues and model files,
// local.json, the mailbox's messages and the logs), so the next start seeds a fresh demo.
import { existsSync, rmSync } from "node:fs";
import { localPaths, shownPath, wayfindDir } from "./local-env.mjs";
import { runningInstance } from "./local/processes.mjs";

const running = runningInstance(localPaths.running);
if (running) {
  console.error(
    `npm start is running (pid ${running.pid}, ${running.url}): stop it first (Ctrl-C), then npm run reset.`,
  );
  process.exit(1);
}
const removed = [];
for (const path of [localPaths.facts, localPaths.state, localPaths.mailbox, localPaths.logs, localPaths.running]) {
  if (!existsSync(path)) continue;
  rmSync(path, { recursive: true, force: true });
  removed.push(shownPath(path));
}
console.log(
  removed.length
    ? `Removed ${removed.join(", ")}. The next npm start seeds a fresh demo.`
    : `Nothing to remove in ${shownPath(wayfindDir)}.`,
);
