// Reads the README's shell examples for test/node/readme.test.ts: each ```sh / ```bash / ```shell
// block, the marker comment before it, the response it documents, and whether the test can run it.
//
// What the README may say, for the test:
// - `<!-- readme-test: skip (why) -->` just before a shell block: not run here (deploys, installs,
//   long runs, data sets that are not in the repository). The test lists what it skipped.
// - `# → 400`, `# → 201 {"status": "active"}` or `# → {"accepted": 1}` at the end of a command: the
//   HTTP status its curl answers (2xx when unsaid) and fields of the JSON response.
// - A ```json block right after a shell block (blank lines between, nothing else) is the response of
//   that block's last curl; `<!-- readme-test: response -->` before a json block says so across
//   prose. Both compare the fields shown, where "…" or "..." in a string stands for any text.
//   `<!-- readme-test: response shape -->` compares keys and types only (ids, scores that vary);
//   `<!-- readme-test: not a response -->` before an adjacent json block leaves it alone.

export interface Expected {
  json: unknown;
  mode: "values" | "shape";
  line: number;
}

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading above it. */
  heading: string;
  code: string;
  /** Why it is not run (from its skip marker). */
  skip?: string;
  /** The response its last curl should give (the json block after it). */
  response?: Expected;
  /** What is wrong with the block or its markers: the block's test fails with these. */
  problems: string[];
}

const SHELL = new Set(["sh", "bash", "shell"]);
const MARKER = /^\s*<!--\s*readme-test:\s*(.*?)\s*-->\s*$/;

type Marker =
  { kind: "skip"; reason: string } | { kind: "response"; mode: Expected["mode"] } | { kind: "not-response" };

function parseMarker(text: string): Marker | string {
  const skip = /^skip\s*(?:\((.+)\)|:\s*(.+))$/.exec(text);
  if (skip) return { kind: "skip", reason: (skip[1] ?? skip[2] ?? "").trim() };
  if (text === "response") return { kind: "response", mode: "values" };
  if (text === "response shape") return { kind: "response", mode: "shape" };
  if (text === "not a response") return { kind: "not-response" };
  return `unknown marker "readme-test: ${text}" (skip (why), response, response shape, not a response)`;
}

/** The shell blocks in order, and the problems found outside them (stray or unknown markers). */
export function readmeShellBlocks(markdown: string): { blocks: ShellBlock[]; problems: string[] } {
  const lines = markdown.split("\n");
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  let heading = "(top)";
  let marker: { marker: Marker; line: number } | undefined;
  /** The last shell block, while only blank lines and markers followed it. */
  let adjacent: ShellBlock | undefined;
  let lastShell: ShellBlock | undefined;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
    if (!fence) {
      const m = MARKER.exec(text);
      if (m) {
        const parsed = parseMarker(m[1] ?? "");
        if (typeof parsed === "string") problems.push(`README.md:${i + 1}: ${parsed}`);
        else marker = { marker: parsed, line: i + 1 };
        continue;
      }
      if (text.trim() === "") continue;
      const h = /^#{1,6}\s+(.*)/.exec(text);
      if (h) heading = (h[1] ?? "").trim();
      if (marker) problems.push(`README.md:${marker.line}: a readme-test marker must come just before a code block`);
      marker = undefined;
      adjacent = undefined;
      continue;
    }
    // A fenced block: its body up to the closing fence, dedented by the fence's indentation.
    const [, indent = "", ticks = "```", lang = ""] = fence;
    const closing = new RegExp(`^\\s*${ticks[0]}{${ticks.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !closing.test(lines[j] ?? ""); j++) {
      const inner = lines[j] ?? "";
      body.push(inner.startsWith(indent) ? inner.slice(indent.length) : inner.trimStart());
    }
    const code = body.join("\n");
    const here = marker;
    marker = undefined;

    if (SHELL.has(lang)) {
      const block: ShellBlock = { line: i + 1, heading, code, problems: [] };
      if (here?.marker.kind === "skip") block.skip = here.marker.reason;
      else if (here) problems.push(`README.md:${here.line}: only a skip marker may come before a shell block`);
      blocks.push(block);
      adjacent = lastShell = block;
    } else if (lang === "json" && (here || adjacent)) {
      const target = here?.marker.kind === "response" ? lastShell : here ? undefined : adjacent;
      if (here && here.marker.kind === "skip")
        problems.push(`README.md:${here.line}: a skip marker must come before a shell block`);
      if (target) {
        if (target.response) target.problems.push(`README.md:${i + 1}: a second response for one block`);
        try {
          const mode = here?.marker.kind === "response" ? here.marker.mode : "values";
          target.response = { json: JSON.parse(code), mode, line: i + 1 };
        } catch (err) {
          target.problems.push(
            `README.md:${i + 1}: the json block after it is not JSON (${(err as Error).message}); ` +
              `write "…" inside strings for what varies, or mark it <!-- readme-test: not a response -->`,
          );
        }
      }
      adjacent = undefined;
    } else {
      if (here) problems.push(`README.md:${here.line}: a readme-test marker before a ${lang || "plain"} block`);
      adjacent = undefined;
    }
    i = j;
  }
  if (marker) problems.push(`README.md:${marker.line}: a readme-test marker at the end of the file`);
  return { blocks, problems };
}

/** Differences between what the README shows and what came back (an empty list: they agree). */
export function mismatches(expected: unknown, actual: unknown, mode: Expected["mode"], path = "$"): string[] {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 200);
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (mode === "shape" && expected === null) return [];
  if (kind(expected) !== kind(actual))
    return [`${path}: expected ${kind(expected)} ${show(expected)}, got ${show(actual)}`];
  if (Array.isArray(expected)) {
    const got = actual as unknown[];
    if (mode === "shape") {
      if (expected.length === 0) return [];
      if (got.length === 0) return [`${path}: expected at least one element, got []`];
      return got.flatMap((v, k) => mismatches(expected[Math.min(k, expected.length - 1)], v, mode, `${path}[${k}]`));
    }
    if (got.length !== expected.length) return [`${path}: expected ${expected.length} elements, got ${show(got)}`];
    return expected.flatMap((v, k) => mismatches(v, got[k], mode, `${path}[${k}]`));
  }
  if (kind(expected) === "object") {
    const got = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([k, v]) =>
      k in got ? mismatches(v, got[k], mode, `${path}.${k}`) : [`${path}: no field "${k}" in ${show(got)}`],
    );
  }
  if (mode === "shape") return [];
  if (typeof expected === "string" && /…|\.\.\./.test(expected)) {
    const pattern = expected
      .split(/…|\.\.\./)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[\\s\\S]*");
    return new RegExp(`^${pattern}$`).test(actual as string)
      ? []
      : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (typeof expected === "number" && Math.abs(expected - (actual as number)) <= 1e-9 * Math.max(1, Math.abs(expected)))
    return [];
  return expected === actual ? [] : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}
