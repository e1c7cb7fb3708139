// `matches` filters in D1. SQLite has no REGEXP function unless the host adds one, and D1 does not
// (test/workers/query-filters.test.ts checks), so a regular expression is translated into SQLite
// GLOB patterns, which D1 evaluates natively and case-sensitively, as JavaScript's RegExp does.
// Only the part of regex syntax that GLOB can express exactly is accepted; the rest is refused
// with a message naming the construct, never approximated. The same GLOBs filter rows in
// JavaScript (rollup rows, ad costs) through globMatch, so both paths agree.
import type { Dimension, Filter, FilterLeaf } from "./query-spec";

export const REGEX_SYNTAX =
  "literal characters; . (any character), .* and .+; classes [abc], [a-z], [^abc]; \\d \\w \\s and \\D \\W \\S; " +
  "escaped punctuation such as \\. or \\/; {n} after one character, class or .; ^ and $ at the ends; " +
  "| between whole alternatives. Unanchored patterns match anywhere in the value, as in JavaScript.";

const SHORTHANDS: Record<string, string> = {
  d: "[0-9]",
  D: "[^0-9]",
  w: "[A-Za-z0-9_]",
  W: "[^A-Za-z0-9_]",
  s: "[ \t\n\r\f\v]",
  S: "[^ \t\n\r\f\v]",
};
/** Characters GLOB treats specially outside a class: written as one-character classes. */
const GLOB_SPECIAL = new Set(["*", "?", "["]);
const MAX_REPEAT = 50;

type Translation = { globs: string[] } | { error: string };

/** Splits on `|` outside classes and escapes. */
function alternatives(pattern: string): string[] {
  const out: string[] = [];
  let current = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      current += c + (pattern[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    if (c === "|" && !inClass) {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return out;
}

function translateAlternative(source: string): string | { error: string } {
  let body = source;
  const startAnchored = body.startsWith("^");
  if (startAnchored) body = body.slice(1);
  const endAnchored = body.endsWith("$") && !body.endsWith("\\$");
  if (endAnchored) body = body.slice(0, -1);
  let glob = "";
  let atom: string | null = null; // the last atom, for {n}
  let atomIsAny = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") {
      const next = body[i + 1];
      i++;
      if (next === undefined) return { error: "The pattern ends with a lone \\." };
      if (SHORTHANDS[next]) atom = SHORTHANDS[next]!;
      else if (/[A-Za-z0-9]/.test(next)) return { error: `\\${next} is not supported.` };
      else atom = GLOB_SPECIAL.has(next) ? `[${next}]` : next;
      atomIsAny = false;
      glob += atom;
    } else if (c === "[") {
      const close = body.indexOf("]", i + 2);
      if (close < 0) return { error: "A [ class is not closed." };
      const inner = body.slice(i + 1, close);
      if (inner.includes("\\") || inner.includes("["))
        return { error: "Escapes and [ inside a class are not supported." };
      atom = `[${inner}]`;
      atomIsAny = false;
      glob += atom;
      i = close;
    } else if (c === ".") {
      atom = "?";
      atomIsAny = true;
      glob += atom;
    } else if (c === "*" || c === "+" || c === "?") {
      if (!atomIsAny || atom === null)
        return { error: `'${c}' may only follow '.' (as .* or .+): GLOB cannot repeat one character.` };
      if (c === "?") return { error: "'.?' is not supported." };
      glob = glob.slice(0, -1) + (c === "*" ? "*" : "?*");
      atom = null;
    } else if (c === "{") {
      const m = /^\{(\d{1,2})\}/.exec(body.slice(i));
      if (!m || atom === null) return { error: "Only {n} after one character, class or . is supported." };
      const n = Number(m[1]);
      if (n < 1 || n > MAX_REPEAT) return { error: `{n} must be between 1 and ${MAX_REPEAT}.` };
      glob += atom.repeat(n - 1);
      atom = null;
      i += m[0].length - 1;
    } else if ("()|^$}".includes(c)) {
      return {
        error:
          c === "(" || c === ")"
            ? "Groups are not supported: use | between whole alternatives."
            : `'${c}' is only supported at the start or end (anchors) or between whole alternatives (|).`,
      };
    } else {
      atom = GLOB_SPECIAL.has(c) ? `[${c}]` : c;
      atomIsAny = false;
      glob += atom;
    }
  }
  return (startAnchored ? "" : "*") + glob + (endAnchored ? "" : "*");
}

/** A regular expression as GLOB patterns (any of them matching means a match), or why it cannot be. */
export function regexToGlobs(pattern: string): Translation {
  const globs: string[] = [];
  for (const alt of alternatives(pattern)) {
    const glob = translateAlternative(alt);
    if (typeof glob !== "string") return glob;
    globs.push(glob.replace(/\*{2,}/g, "*"));
  }
  return { globs };
}

const compiled = new Map<string, RegExp>();
/** SQLite's GLOB, in JavaScript: `*` any run, `?` one character, `[...]` classes; case-sensitive. */
export function globMatch(glob: string, value: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === "*") source += "[\\s\\S]*";
      else if (c === "?") source += "[\\s\\S]";
      else if (c === "[") {
        const close = glob.indexOf("]", i + 2);
        let inner = glob.slice(i + 1, close);
        const negated = inner.startsWith("^");
        if (negated) inner = inner.slice(1);
        source += `[${negated ? "^" : ""}${inner.replace(/[\\\]]/g, "\\$&")}]`;
        i = close;
      } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
    re = new RegExp(`^${source}$`, "u");
    compiled.set(glob, re);
  }
  return re.test(value);
}

/** Whether a row passes a filter, given each dimension's value in the row (rollup rows, ad costs). */
export function filterPasses(filter: Filter, valueOf: (d: Dimension) => string): boolean {
  switch (filter.op) {
    case "and":
      return filter.children.every((f) => filterPasses(f, valueOf));
    case "or":
      return filter.children.some((f) => filterPasses(f, valueOf));
    case "not":
      return !filterPasses(filter.child, valueOf);
    default: {
      const leaf: FilterLeaf = filter;
      const v = valueOf(leaf.dimension);
      const hit =
        leaf.op === "is"
          ? leaf.values.includes(v)
          : leaf.op === "contains"
            ? leaf.values.some((x) => v.includes(x))
            : leaf.globs.some((g) => globMatch(g, v));
      return hit !== leaf.negate;
    }
  }
}

/** Every dimension a filter tests. */
export function filterDimensions(filter: Filter | null): Dimension[] {
  if (!filter) return [];
  if (filter.op === "and" || filter.op === "or") return filter.children.flatMap(filterDimensions);
  if (filter.op === "not") return filterDimensions(filter.child);
  return [(filter as FilterLeaf).dimension];
}
