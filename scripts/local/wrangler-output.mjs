// wrangler dev's output under `npm start`: all of it goes to a log file, and what needs a person
// also goes to the terminal as it happens: everything wrangler writes to stderr (its ✘ [ERROR] and
// ▲ [WARNING] blocks, which include the Workers' console.error and console.warn with their stacks),
// and from stdout the uncaught exceptions ([wrangler:error] with their stacks) and 5xx responses.
// Request lines and console.log stay in the file.
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const NOTABLE = /\[wrangler:(error|err|warn)\]|\[wrangler:info\] [A-Z]+ \S+ 5\d\d\b|\b(Uncaught|Unhandled)\b/;

/** Splits a stream into lines and calls `onLine` with each, colours removed. */
function lines(stream, onLine) {
  let partial = "";
  stream.on("data", (chunk) => {
    const all = (partial + chunk).split("\n");
    partial = all.pop() ?? "";
    for (const line of all) onLine(line.replace(ANSI, "").trimEnd());
  });
}

/**
 * @param {import("node:child_process").ChildProcess} child with stdout and stderr piped
 * @param {string} file the log file (appended to)
 * @param {(line: string) => void} show prints one line to the terminal
 */
export function routeOutput(child, file, show) {
  mkdirSync(dirname(file), { recursive: true });
  const log = createWriteStream(file, { flags: "a" });
  log.write(`\n--- wrangler dev started ${new Date().toISOString()} (pid ${child.pid}) ---\n`);
  let tail = "";
  const keep = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk).slice(-6000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  lines(child.stderr, (line) => line && show(line));
  // An exception's stack follows its line, indented; blank lines do not end it.
  let following = false;
  lines(child.stdout, (line) => {
    if (!line) return;
    following = NOTABLE.test(line) || (following && /^\s/.test(line));
    if (following) show(line);
  });
  return {
    /** The last few KB, for the message when wrangler dies. */
    tail: () => tail,
    close: () => new Promise((r) => log.end(r)),
  };
}
