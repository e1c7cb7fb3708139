// wrangler dev's output under `npm start`: all of it goes to a log file, and what needs a person
// (wrangler's warnings and errors, a Worker's console.error/warn and uncaught exceptions, 5xx
// responses) also goes to the terminal as it happens. Request lines and info stay in the file.
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** Lines that start something worth showing; the indented lines after one (a stack, a box) follow it. */
const NOTABLE = [
  /^\s*[✘▲]/, // wrangler's [ERROR] and [WARNING] boxes
  /\[(ERROR|WARNING|wrangler:err|wrangler:error|wrangler:warn)\]/i,
  /\b(Uncaught|Unhandled|exception|error|failed|warning)\b/i,
  /\[wrangler:info\] \w+ \S+ 5\d\d\b/, // a request the Worker answered with a 5xx
];
const REQUEST = /^\[wrangler:info\] [A-Z]+ \S+ \d{3}\b/;

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
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    let following = false;
    stream.on("data", (chunk) => {
      const text = String(chunk);
      log.write(text);
      tail = (tail + text).slice(-6000);
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const raw of lines) {
        // eslint-disable-next-line no-control-regex
        const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
        if (!line) {
          following = false;
          continue;
        }
        const continues = following && /^(\s|at\s)/.test(line);
        following = continues || ((!REQUEST.test(line) || /\s5\d\d\b/.test(line)) && NOTABLE.some((r) => r.test(line)));
        if (following) show(line);
      }
    });
  }
  return {
    /** The last few KB, for the message when wrangler dies. */
    tail: () => tail,
    close: () => new Promise((r) => log.end(r)),
  };
}
