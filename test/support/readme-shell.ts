// How test/node/readme.test.ts runs a README shell block: which blocks it can run at all, the
// `# → STATUS {json}` comments turned into checks on their curl, and the bash around the block.

/** The commands a README example may use and still run here against a local `npm start`. */
const COMMANDS = new Set(
  ["curl", "node", "npm", "export", "printf", "echo", "sleep", "cat", "head", "tail", "grep", "sed", "tr", "cut", "wc"]
    .concat(["sort", "uniq", "date", "base64", "openssl", "sha256sum", "seq", "xargs", "test", "[", "[[", "true"])
    .concat(["for", "do", "done", "while", "until", "if", "then", "elif", "else", "fi", "read", "set", "unset"]),
);
/** `npm run` scripts that work against a running `npm start` in a minute or so. */
const NPM_SCRIPTS = new Set(["cron", "train"]);
/** The names the README's examples share (set by the block after the Quick start, from local.json). */
export const VARIABLES = {
  URL: "url",
  ADMIN_TOKEN: "admin_token",
  SITE_ID: "demo_site_id",
  SITE_KEY: "demo_site_key",
  KEY: "demo_secret_key",
} as const;

/** The code without heredoc bodies and comments, lines continued with `\` joined (a close reading, not a shell parser). */
function commandText(code: string): string {
  const out: string[] = [];
  let heredoc: string | undefined;
  for (const line of code.split("\n")) {
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const doc = /<<-?\s*(['"]?)(\w+)\1/.exec(line);
    if (doc) heredoc = doc[2];
    out.push(stripComment(line));
  }
  return out.join("\n").replace(/\\\n/g, " ");
}

/** A line without its `# comment` (a # that starts a word outside quotes). */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "\\") i++;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1] ?? ""))) return line.slice(0, i);
  }
  return line;
}

/**
 * The simple commands of the text, leading assignments removed: split at pipes, lists and
 * newlines outside quotes, with each $(…) a command of its own (quotes nest inside it).
 */
function commands(text: string): string[] {
  const found: string[] = [];
  const outer: string[] = []; // the commands a $(…) interrupted
  const quotes: string[] = []; // open quotes and $( … ), innermost last
  let cur = "";
  const flush = () => {
    found.push(cur);
    cur = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    const top = quotes.at(-1);
    if (top === "'") {
      if (c === "'") quotes.pop();
      cur += c;
    } else if (c === "\\") cur += c + (text[++i] ?? "");
    else if (c === "$" && text[i + 1] === "(" && text[i + 2] !== "(") {
      quotes.push("$(");
      outer.push(cur);
      cur = "";
      i++;
    } else if (c === ")" && top === "$(") {
      quotes.pop();
      flush();
      cur = `${outer.pop()}$SUBST`;
    } else if (top === '"') {
      if (c === '"') quotes.pop();
      cur += c;
    } else if (c === "'" || c === '"') {
      quotes.push(c);
      cur += c;
    } else if (/[|;\n()]/.test(c) || (c === "&" && !/[<>]/.test(text[i - 1] ?? ""))) flush();
    else cur += c;
  }
  flush();
  return found.map((s) => s.trim().replace(/^(\w+=("[^"]*"|'[^']*'|\S*)\s*)+/, "")).filter(Boolean);
}

/** Why the test cannot run this block as it stands (null: it can). */
export function unrunnable(code: string): string | null {
  const text = commandText(code);
  for (const command of commands(text)) {
    const [word = "", sub = "", script = ""] = command.split(/\s+/);
    if (!COMMANDS.has(word)) return `it runs \`${word}\`, which the test does not run`;
    if (word === "npm" && !(sub === "run" && NPM_SCRIPTS.has(script)))
      return `\`${["npm", sub, sub === "run" ? script : ""].join(" ").trim()}\`: needs an install, a deploy, the whole suite or a long run`;
    if (/--remote\b/.test(command)) return "it works on a Cloudflare account (--remote)";
  }
  if (/127\.0\.0\.1|localhost/.test(text)) return "a hard-coded local address: write $URL";
  const uncommented = code.split("\n").map(stripComment).join("\n"); // heredoc bodies included
  if (/\bYOUR\b|\.\.\.|…/.test(uncommented)) return "a placeholder (YOUR…, ...): write a variable or a demo value";
  const bare = new RegExp(`(?<![$\\w{-])(${Object.keys(VARIABLES).join("|")})(?![\\w=])`).exec(text);
  if (bare) return `\`${bare[1]}\` without its $`;
  return null;
}

export interface Check {
  status?: number;
  json?: unknown;
  line: number;
}

/**
 * The block with each `# → STATUS {json}` comment turned into `__expect=STATUS __check=N` before the
 * curl of that command (the command ends on the commented line and starts after a line that does
 * not end with `\`, `|` or `&&`). The checks are indexed by N.
 */
export function withExpectations(code: string, firstLine: number): { code: string; checks: Check[] } {
  const lines = code.split("\n");
  const checks: Check[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const comment = text.slice(stripComment(text).length);
    const m = /^#\s*→\s*(\d{3})?\s*(.*)$/.exec(comment);
    if (!m) continue;
    const line = firstLine + i + 1;
    let json: unknown;
    if (m[2]) {
      try {
        json = JSON.parse(m[2]);
      } catch {
        throw new Error(`README.md:${line}: the response after → is not JSON: ${m[2]}`);
      }
    }
    let start = i;
    while (start > 0 && /(\\|\||&&)\s*$/.test(stripComment(lines[start - 1] ?? ""))) start--;
    const at = lines.slice(start, i + 1).findIndex((l) => /(^|[\s|;&(])curl\s/.test(stripComment(l)));
    if (at < 0) throw new Error(`README.md:${line}: "→" on a command without curl`);
    const k = start + at;
    const prefix = `${m[1] ? `__expect=${m[1]} ` : ""}__check=${checks.length} `;
    lines[k] = (lines[k] ?? "").replace(
      /(^|[\s|;&(])curl\s/,
      (s, before: string) => `${before}${prefix}${s.slice(before.length)}`,
    );
    checks.push({ status: m[1] ? Number(m[1]) : undefined, json, line });
  }
  return { code: lines.join("\n"), checks };
}

/**
 * Bash around a block: strict mode, every variable exported (so the next block sees them), and curl
 * wrapped to keep each response (status, body) in $__log and to fail on a status the README does
 * not expect. The body still goes to stdout, so pipes into node work as pasted.
 */
const PREAMBLE = `set -euo pipefail
set -a
curl() {
  local f="$__log/$(date +%s%N)-$BASHPID" code
  if ! code=$(command curl -sS -o "$f.body" -w '%{http_code}' "$@"); then
    echo "readme-test: curl $* did not complete" >&2
    return 1
  fi
  printf '%s\\n%s\\n%s\\n%s\\n' "$code" "\${__expect:-}" "\${__check:-}" "$*" > "$f.meta"
  cat "$f.body"
  local want="\${__expect:-2xx}"
  if [[ $want == 2xx && $code != 2?? ]] || [[ $want != 2xx && $code != "$want" ]]; then
    printf '\\nreadme-test: HTTP %s (expected %s) from curl %s\\n' "$code" "$want" "$*" >&2
    return 22
  fi
}
`;

export function script(code: string): string {
  return `${PREAMBLE}${code}\nenv -0 > "$__env"\n`;
}

/** bash's "line N:" in its messages, with the README line it is. */
export function readmeLines(output: string, blockLine: number): string {
  const preamble = PREAMBLE.split("\n").length - 1;
  return output.replace(/\bline (\d+):/g, (all, n: string) => {
    const inBlock = Number(n) - preamble;
    return inBlock >= 1 ? `README.md:${blockLine + inBlock}:` : all;
  });
}
