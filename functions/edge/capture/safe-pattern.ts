// A conservative check that a site's channel-rule pattern cannot backtrack catastrophically.
// Rules run (anchored, case-insensitive) on every captured visit, against UTM values a stranger
// chooses, in the isolate every tenant shares. JavaScript's engine backtracks, so a pattern such as
// `(a+)+$` takes time exponential in the input. Refused here: a repeated group that itself repeats
// or alternates (star height above one, the exponential cases), back-references and lookarounds,
// and more than MAX_PATTERN_DEGREE repeats in sequence (polynomial blow-up: n^degree steps).

/** Repeats (`*`, `+`, `{n,m}` with m > 1) one branch may chain: 200-character inputs stay cheap. */
export const MAX_PATTERN_DEGREE = 3;
/** Characters of a value rules are matched against (UTM values are capped at this length). */
export const RULE_INPUT_MAX_CHARS = 200;

interface Shape {
  /** Most repeats in sequence along any branch. */
  degree: number;
  /** Holds a repeat or an alternation (unsafe to repeat again). */
  ambiguous: boolean;
}

/** Why `pattern` is unsafe to run on untrusted input, or null when it is safe. */
export function unsafePatternReason(pattern: string): string | null {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(why);
  };
  // A quantifier at i: returns whether it repeats (upper bound above one) and moves past it.
  const quantifier = (): boolean => {
    const ch = pattern[i];
    if (ch === "*" || ch === "+") {
      i++;
      if (pattern[i] === "?") i++;
      return true;
    }
    if (ch === "?") {
      i++;
      if (pattern[i] === "?") i++;
      return false;
    }
    if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return false; // a literal "{"
      i += m[0].length;
      if (pattern[i] === "?") i++;
      const max = m[2] === undefined ? Number(m[1]) : m[3] === "" ? Infinity : Number(m[3]);
      return max > 1;
    }
    return false;
  };
  const alternation = (): Shape => {
    let degree = 0;
    let ambiguous = false;
    let branches = 1;
    let seq = 0;
    while (i < pattern.length && pattern[i] !== ")") {
      if (pattern[i] === "|") {
        i++;
        branches++;
        degree = Math.max(degree, seq);
        seq = 0;
        continue;
      }
      const atom = atomShape();
      if (quantifier()) {
        if (atom.ambiguous) fail("a repeated group that itself repeats or alternates, such as (a+)+ or (a|b)*");
        seq += 1;
        ambiguous = true;
      } else {
        seq += atom.degree;
        ambiguous ||= atom.ambiguous;
      }
      if (seq > MAX_PATTERN_DEGREE) fail(`more than ${MAX_PATTERN_DEGREE} repeats in sequence`);
    }
    return { degree: Math.max(degree, seq), ambiguous: ambiguous || branches > 1 };
  };
  const atomShape = (): Shape => {
    const ch = pattern[i]!;
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") fail("a back-reference");
      i += next === "u" || next === "x" || next === "p" || next === "P" ? 2 : 2;
      return { degree: 0, ambiguous: false };
    }
    if (ch === "[") {
      i++;
      while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
      i++;
      return { degree: 0, ambiguous: false };
    }
    if (ch === "(") {
      i++;
      if (pattern[i] === "?") {
        if (/^\?(=|!|<=|<!)/.test(pattern.slice(i))) fail("a lookahead or lookbehind");
        if (pattern[i + 1] === ":") i += 2;
        else if (pattern[i + 1] === "<") i = pattern.indexOf(">", i) + 1;
      }
      const inner = alternation();
      if (pattern[i] !== ")") fail("an unclosed group");
      i++;
      return inner;
    }
    i++;
    return { degree: 0, ambiguous: false };
  };
  try {
    alternation();
    if (i < pattern.length) fail("an unbalanced parenthesis");
    return null;
  } catch (e) {
    return `The pattern could take exponential time on some inputs (${(e as Error).message}).`;
  }
}
