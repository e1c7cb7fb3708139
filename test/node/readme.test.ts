// The README's shell examples, run as a reader pastes them: every ```sh / ```bash / ```shell block
// in order, each in `bash -euo pipefail`, against one `npm start` (scripts/start.mjs, the demo
// seeded and trained as npm start does), with the variables the README's own block sets from
// local.json carried from block to block. Each curl must answer 2xx unless the README says
// otherwise (`# → 400`), and the responses the README shows must match (see test/support/readme.ts).
// Blocks marked <!-- readme-test: skip (why) --> are listed and left out; any other block the test
// cannot run fails, so a new example is either runnable or says why not.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mismatches, readmeShellBlocks, type ShellBlock } from "../support/readme";
import { readmeLines, script, unrunnable, VARIABLES, withExpectations } from "../support/readme-shell";
import {
  destroyStack,
  type Facts,
  freePort,
  newStateDir,
  removeDir,
  root,
  type Stack,
  startStack,
  waitReady,
} from "../support/stack";

const { blocks, problems } = readmeShellBlocks(readFileSync(resolve(root, "README.md"), "utf8"));
/** Generous for a loaded 2-core machine: `npm run train` alone takes about 30 s on an idle one. */
const BLOCK_TIMEOUT_MS = 240_000;
/** Variables of the test's own bash (and of the shell itself) not carried from block to block. */
const NOT_CARRIED = /^(__\w+|PWD|OLDPWD|SHLVL|_|BASH_FUNC_.*)$/;

interface Response {
  status: number;
  expect: string;
  check: string;
  args: string;
  body: string;
}

/** The curl responses a block's run logged, in order. */
function responses(log: string): Response[] {
  return readdirSync(log)
    .filter((f) => f.endsWith(".meta"))
    .sort()
    .map((f) => {
      const [status = "", expect = "", check = "", args = ""] = readFileSync(resolve(log, f), "utf8").split("\n");
      const body = readFileSync(resolve(log, f.replace(/\.meta$/, ".body")), "utf8");
      return { status: Number(status), expect, check, args, body };
    });
}

function json(r: Response, where: string): unknown {
  try {
    return JSON.parse(r.body);
  } catch {
    throw new Error(`${where}: the response of curl ${r.args} is not JSON:\n${r.body.slice(0, 1000)}`);
  }
}

/** Runs bash in a process group of its own, so a timeout also ends what it started (npm, node). */
function bash(code: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const proc = spawn("bash", ["-c", code], {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    proc.stdout.on("data", (d) => (output += d));
    proc.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\nreadme-test: timed out after ${BLOCK_TIMEOUT_MS / 1000} s`;
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {}
    }, BLOCK_TIMEOUT_MS - 10_000);
    proc.on("close", (code) => {
      clearTimeout(timer);
      ok({ code, output });
    });
  });
}

const where = (b: ShellBlock) => `README.md:${b.line} (${b.heading})`;

describe("how the test reads the README", () => {
  it("refuses what cannot run here and takes what can", () => {
    expect(unrunnable("npm install\nnpm start")).toMatch(/npm install/);
    expect(unrunnable('curl "http://127.0.0.1:8787/healthz"')).toMatch(/\$URL/);
    expect(unrunnable('curl -H "Authorization: Bearer KEY" "$URL/x"')).toMatch(/KEY/);
    expect(unrunnable("npx wrangler login")).toMatch(/npx/);
    expect(unrunnable('npm run train -- --site "$SITE_ID" --remote')).toMatch(/--remote/);
    expect(unrunnable('curl -d \'{"site":"wf_pk_..."}\' "$URL/api/collect"')).toMatch(/placeholder/);
    const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)";
    expect(
      unrunnable(
        `export URL=$(node -p "1")  # http://127.0.0.1:8787\ncurl -H 'user-agent: ${ua}' "$URL" 2>&1 |\n  node -e ''`,
      ),
    ).toBeNull();
  });

  it("finds skip markers and the response after an example", () => {
    const md = [
      "# A",
      "<!-- readme-test: skip (deploys) -->",
      "",
      "```sh",
      "npm run deploy",
      "```",
      "## B",
      "```bash",
      'curl "$URL"',
      "```",
      "",
      "```json",
      '{"a": "x…", "n": 2.1}',
      "```",
    ].join("\n");
    const { blocks: found, problems: wrong } = readmeShellBlocks(md);
    expect(wrong).toEqual([]);
    expect(found.map((b) => [b.line, b.heading, b.skip, b.response?.json])).toEqual([
      [4, "A", "deploys", undefined],
      [8, "B", undefined, { a: "x…", n: 2.1 }],
    ]);
    expect(readmeShellBlocks("<!-- readme-test: skipp -->\n```sh\nls\n```").problems).toHaveLength(1);
  });

  it("compares the fields shown, with … for what varies, or only their shape", () => {
    expect(mismatches({ a: "rec_…", n: 2.1 }, { a: "rec_12", n: 2.1, extra: 1 }, "values")).toEqual([]);
    expect(mismatches({ n: 2.1 }, { n: 2.0999999 }, "values")).toHaveLength(1);
    expect(mismatches({ list: [1] }, { list: [1, 2] }, "values")).toHaveLength(1);
    expect(
      mismatches(
        { list: [{ id: "a", s: 1 }] },
        {
          list: [
            { id: "b", s: 9 },
            { id: "c", s: 3 },
          ],
        },
        "shape",
      ),
    ).toEqual([]);
    expect(mismatches({ list: [{ id: "a" }] }, { list: [] }, "shape")).toHaveLength(1);
  });

  it("turns `# → STATUS {json}` into a check on that command's curl", () => {
    const { code, checks } = withExpectations('printf x |\n  curl -d @- "$URL"   # → 400 {"ok": false}', 10);
    expect(code).toBe('printf x |\n  __expect=400 __check=0 curl -d @- "$URL"   # → 400 {"ok": false}');
    expect(checks).toEqual([{ status: 400, json: { ok: false }, line: 12 }]);
  });
});

describe("the README's shell examples work as pasted against npm start", () => {
  let dir: string;
  let stack: Stack | undefined;
  let facts: Facts;
  let work: string;
  /** What the examples have set so far, passed to the next block. */
  let carried: Record<string, string> = {};
  let checkedVariables = false;

  beforeAll(async () => {
    const skipped = blocks.filter((b) => b.skip).map((b) => `  ${where(b)}: ${b.skip}`);
    console.log(`README blocks not run here (marked skip):\n${skipped.join("\n")}`);
    dir = newStateDir();
    work = mkdtempSync(resolve(dir, "readme-"));
    // The full demo, trained as npm start trains it (the recommendation examples need the models);
    // no cron fires by itself, so only the examples change the data.
    const off = Object.fromEntries(["*/15 * * * *", "7 * * * *", "17 3 * * *", "41 2 * * *"].map((c) => [c, "off"]));
    stack = startStack({ dir, port: await freePort(), env: { WAYFIND_CRON_SCHEDULE: JSON.stringify(off) } });
    try {
      facts = await waitReady(stack, 300_000);
    } catch (err) {
      // What the Workers said (a restart, a crash) is in wrangler's full log, not in start.mjs's output.
      const log = resolve(dir, "logs/wrangler.log");
      const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-4000) : "(no wrangler.log)";
      throw new Error(`${(err as Error).message}\n--- ${log} (end) ---\n${tail}`);
    }
  }, 360_000);

  afterAll(() => {
    destroyStack(stack);
    removeDir(dir);
  });

  /** Runs code as a block runs (the wrapper, the instance's WAYFIND_DIR, `vars`); returns its curl responses. */
  async function runShell(code: string, name: string, vars: Record<string, string>) {
    const log = resolve(work, `${name}-log`);
    mkdirSync(log);
    const envFile = resolve(work, `${name}-env`);
    const run = await bash(script(code), {
      PATH: `${resolve(root, "node_modules/.bin")}:${process.env.PATH}`,
      HOME: process.env.HOME ?? "/tmp",
      LANG: "C.UTF-8",
      WAYFIND_DIR: dir, // where this npm start keeps local.json (.wayfind/ for a reader)
      ...vars,
      __log: log,
      __env: envFile,
    });
    return { run, all: responses(log), envFile };
  }

  it("stops a block at a curl that answers 4xx, unless the README expects that status (# → 404)", async () => {
    const vars = { URL: facts.url };
    const plain = await runShell('curl "$URL/api/v1/no-such-route"\necho after', "self-plain", vars);
    expect(plain.run.code).toBe(22);
    expect(plain.run.output).toContain("readme-test: HTTP 404 (expected 2xx)");
    expect(plain.run.output).not.toContain("after");
    const { code } = withExpectations('curl "$URL/api/v1/no-such-route"   # → 404 {"error": {"code": "not_found"}}', 1);
    const expected = await runShell(`${code}\necho after`, "self-expected", vars);
    expect(expected.run.code).toBe(0);
    expect(expected.run.output).toContain("after");
    expect(expected.all.map((r) => [r.status, r.expect, r.check])).toEqual([[404, "404", "0"]]);
  });

  it("has shell examples, and its readme-test markers are well formed", () => {
    expect(blocks.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  blocks.forEach((block, n) => {
    if (block.skip) {
      it.skip(`${where(block)}: skipped, ${block.skip}`, () => {});
      return;
    }
    it(
      `${where(block)}`,
      async () => {
        expect(block.problems).toEqual([]);
        const why = unrunnable(block.code);
        if (why)
          throw new Error(
            `${where(block)}: the test cannot run this block: ${why}.\n` +
              `Make it runnable against npm start's demo, or mark it <!-- readme-test: skip (why) -->.\n${block.code}`,
          );
        const { code, checks } = withExpectations(block.code, block.line);
        const { run, all, envFile } = await runShell(code, `block-${n}`, carried);
        const shown = all.map((r) => `  HTTP ${r.status}  curl ${r.args}\n    ${r.body.slice(0, 300)}`).join("\n");
        if (run.code !== 0)
          throw new Error(
            `${where(block)} failed (bash exit ${run.code}):\n${readmeLines(run.output, block.line).slice(-3000)}\nResponses:\n${shown}`,
          );

        // Statuses (the curl wrapper already stopped on a wrong one; a `|| true` must not hide it).
        for (const r of all) {
          if (r.expect) expect(r.status, `curl ${r.args}`).toBe(Number(r.expect));
          else expect(Math.floor(r.status / 100), `curl ${r.args}: HTTP ${r.status}`).toBe(2);
        }
        // `# → … {json}` comments, then the json block that follows the example.
        checks.forEach((check, k) => {
          const r = all.find((x) => x.check === String(k));
          expect(r, `README.md:${check.line}: its curl did not run`).toBeDefined();
          if (check.json !== undefined)
            expect(
              mismatches(check.json, json(r!, `README.md:${check.line}`), "values"),
              `README.md:${check.line}`,
            ).toEqual([]);
        });
        if (block.response) {
          const last = all.at(-1);
          expect(
            last,
            `README.md:${block.response.line}: a response is shown, but the block ran no curl`,
          ).toBeDefined();
          const at =
            `README.md:${block.response.line} (the response shown for curl ${last!.args}; write "…" in strings ` +
            "that vary, or mark the json block <!-- readme-test: response shape --> or <!-- readme-test: not a response -->)";
          expect(mismatches(block.response.json, json(last!, at), block.response.mode), at).toEqual([]);
        }

        carried = Object.fromEntries(
          readFileSync(envFile, "utf8")
            .split("\0")
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])
            .filter(([k]) => !NOT_CARRIED.test(k ?? "")),
        );
        // Once the README's variables exist, they must be the ones npm start wrote.
        if (!checkedVariables && "URL" in carried) {
          const want = Object.fromEntries(Object.entries(VARIABLES).map(([name, fact]) => [name, facts[fact]]));
          const got = Object.fromEntries(Object.keys(VARIABLES).map((name) => [name, carried[name]]));
          expect(got, `${where(block)} sets the examples' variables`).toEqual(want);
          checkedVariables = true;
        }
      },
      BLOCK_TIMEOUT_MS,
    );
  });

  it("the README sets $URL, $ADMIN_TOKEN, $SITE_ID, $SITE_KEY and $KEY from local.json before the examples", () => {
    expect(checkedVariables).toBe(true);
  });
});
