// What `npm start` shows of wrangler dev's output: its warnings and errors and the Workers' errors
// with their stacks, not the request log; everything goes to the log file. The samples are
// wrangler 4.164's own output for a Worker that calls console.error, console.warn and throws.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { routeOutput } from "../../scripts/local/wrangler-output.mjs";

const STDOUT = `⎔ Starting local server...
[wrangler:info] Ready on http://127.0.0.1:18999
[wrangler:info] GET /err 200 OK (21ms)
[wrangler:error] Error: kaboom
    at Object.fetch (file:///tmp/w.js:1:222)
[wrangler:info] GET /throw 500 Internal Server Error (65ms)
[wrangler:info] GET / 200 OK (8ms)
[wayfind-recommend] retrained site_1 recommender: first model
`;
const STDERR = `\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mreport failed sub_1 Error: smtp down\x1b[0m

      at Object.fetch (file:///tmp/w.js:1:134)


\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1mcareful\x1b[0m

`;

describe("wrangler dev's output under npm start", () => {
  const dir = mkdtempSync(resolve(tmpdir(), "wayfind-output-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows errors, warnings, exceptions and 5xx; logs everything", async () => {
    const child = { pid: 1, stdout: new PassThrough(), stderr: new PassThrough() };
    const shown: string[] = [];
    const file = resolve(dir, "logs/wrangler.log");
    const out = routeOutput(child as never, file, (line) => shown.push(line));
    // Split mid-line, as pipes deliver it.
    child.stdout.write(STDOUT.slice(0, 100));
    child.stdout.write(STDOUT.slice(100));
    child.stderr.write(STDERR);
    await new Promise((r) => setImmediate(r));
    expect(shown).toEqual([
      "[wrangler:error] Error: kaboom",
      "    at Object.fetch (file:///tmp/w.js:1:222)",
      "[wrangler:info] GET /throw 500 Internal Server Error (65ms)",
      "✘ [ERROR] report failed sub_1 Error: smtp down",
      "      at Object.fetch (file:///tmp/w.js:1:134)",
      "▲ [WARNING] careful",
    ]);
    await out.close();
    const log = readFileSync(file, "utf8");
    expect(log).toContain("[wrangler:info] GET / 200 OK (8ms)");
    expect(log).toContain("[wayfind-recommend] retrained site_1");
    expect(out.tail()).toContain("careful");
  });
});
