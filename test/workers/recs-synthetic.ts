// Synthetic interaction logs, each built so that one candidate recommender is the right answer on
// the validation split (every learner's last item), and why the others miss it:
// - popularity: learners browse within small topics but their next pick is a bestseller;
// - item-kNN: the next pick is a niche sequel of a niche course, beside popular courses that
//   co-occur with everything (cosine discounts them; EASE's conditional weights and MF's biases
//   do not);
// - EASE: each context course leads to one moderately popular course most of the time and to a
//   niche one sometimes (cosine prefers the niche one; EASE's regression the likelier one);
// - MF: two halves of a topic never co-occur directly, only through connector courses the learner
//   lacks (item-item models see no link; factorisation places the halves together).
import { seededRandom } from "../../models/random";
import type { Interaction } from "../../models/recs/dataset";

export interface SyntheticLog {
  interactions: Interaction[];
  /** Catalog order; items appear in it as named (ties in scores go to the lower index). */
  catalog: string[];
}

/** Builds a log from per-learner item sequences (earliest first; a repeat counts once). */
function log(sequences: string[][], catalog: string[]): SyntheticLog {
  const interactions: Interaction[] = [];
  sequences.forEach((items, u) =>
    [...new Set(items)].forEach((item, t) => interactions.push({ user: `u${u}`, item, ts: 1_000 * t + u, weight: 1 })),
  );
  return { interactions, catalog };
}

function pick<T>(list: readonly T[], random: () => number): T {
  return list[Math.floor(random() * list.length)]!;
}

/** `n` distinct items of `list`, in random order. */
function sample<T>(list: readonly T[], n: number, random: () => number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/** A Zipf-like draw over `list` (the first is the likeliest), skipping `taken`. */
function zipf(list: readonly string[], taken: ReadonlySet<string>, random: () => number): string {
  const open = list.filter((x) => !taken.has(x));
  const weights = open.map((x) => 1 / (list.indexOf(x) + 1));
  let r = random() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < open.length; i++) if ((r -= weights[i]!) <= 0) return open[i]!;
  return open[open.length - 1]!;
}

export function popularityWins(seed = 1): SyntheticLog {
  const random = seededRandom(seed);
  const topics = Array.from({ length: 12 }, (_, t) => Array.from({ length: 8 }, (_, i) => `t${t}-${i}`));
  const best = Array.from({ length: 6 }, (_, i) => `best${i}`);
  const sequences: string[][] = [];
  // Fans of bestsellers make them popular; everyone else browses a topic, then buys a bestseller.
  for (let u = 0; u < 80; u++) {
    const taken = new Set<string>();
    for (let i = 0; i < 4; i++) taken.add(zipf(best, taken, random));
    sequences.push([...taken]);
  }
  for (let u = 0; u < 240; u++) {
    const topic = sample(pick(topics, random), 3, random);
    sequences.push([...topic, zipf(best, new Set(), random)]);
  }
  return log(sequences, [...topics.flat(), ...best]);
}

export function itemKnnWins(seed = 2): SyntheticLog {
  const random = seededRandom(seed);
  const popular = Array.from({ length: 10 }, (_, i) => `pop${i}`);
  const pairs = Array.from({ length: 40 }, (_, k) => [`niche${k}`, `sequel${k}`] as const);
  const sequences: string[][] = [];
  for (const [niche, sequel] of pairs) {
    // Two learners take both and then a popular course; two more take the niche one, then its sequel.
    for (let n = 0; n < 2; n++) {
      const start = sample(popular, 3, random);
      sequences.push([
        ...start,
        niche,
        sequel,
        pick(
          popular.filter((p) => !start.includes(p)),
          random,
        ),
      ]);
    }
    for (let n = 0; n < 2; n++) sequences.push([...sample(popular, 3, random), niche, sequel]);
  }
  return log(sequences, [...popular, ...pairs.flat()]);
}

export function easeWins(seed = 3): SyntheticLog {
  const random = seededRandom(seed);
  const next = Array.from({ length: 6 }, (_, i) => `next${i}`);
  const contexts = Array.from({ length: 30 }, (_, k) => ({ ctx: `ctx${k}`, likely: next[k % 6]!, rare: `rare${k}` }));
  const filler = Array.from({ length: 60 }, (_, i) => `f${i}`);
  const sequences: string[][] = [];
  for (const { ctx, likely, rare } of contexts) {
    // Teachers take the context and what follows it (mostly the likely course, sometimes the rare
    // one), then something unrelated; learners take the context and then the likely course.
    for (let n = 0; n < 6; n++) {
      const then = random() < 0.75 ? likely : rare;
      sequences.push([pick(filler, random), ctx, then, pick(filler, random)]);
    }
    for (let n = 0; n < 3; n++) sequences.push([pick(filler, random), ctx, likely]);
  }
  return log(sequences, [...filler, ...contexts.flatMap((c) => [c.ctx, c.rare]), ...next]);
}

export function mfWins(seed = 4, topicCount = 4, connectors = 40, learners = 40): SyntheticLog {
  const random = seededRandom(seed);
  const topics = Array.from({ length: topicCount }, (_, t) => ({
    a: Array.from({ length: 3 }, (_, i) => `a${t}-${i}`),
    b: Array.from({ length: 3 }, (_, i) => `b${t}-${i}`),
    c: Array.from({ length: 3 }, (_, i) => `c${t}-${i}`),
  }));
  const noise = Array.from({ length: 60 }, (_, i) => `n${i}`);
  const sequences: string[][] = [];
  for (const { a, b, c } of topics) {
    // Connectors link each half to the topic's hub courses (and then wander off); learners of one
    // half then take a course of the other half, which no item-item link points to.
    for (let n = 0; n < connectors; n++)
      sequences.push([pick(n % 2 ? a : b, random), ...sample(c, 2, random), pick(noise, random)]);
    for (let n = 0; n < learners; n++) {
      const [from, to] = n % 2 ? [a, b] : [b, a];
      sequences.push([...sample(from, 2, random), pick(to, random)]);
    }
  }
  const catalog = [...noise, ...topics.flatMap((t) => [...t.a, ...t.b, ...t.c])];
  return log(sequences, catalog);
}

export function ringWins(seed = 5, users = 500, half = 12, each = 5, n = 120): SyntheticLog {
  const random = seededRandom(seed);
  const items = Array.from({ length: n }, (_, i) => `r${i}`);
  const sequences: string[][] = [];
  for (let u = 0; u < users; u++) {
    const centre = Math.floor(random() * n);
    const window = Array.from({ length: 2 * half + 1 }, (_, d) => items[(centre + d - half + n) % n]!);
    sequences.push(sample(window, each, random));
  }
  return log(sequences, items);
}

/**
 * easeWins for a whole retrain, which holds out each learner's last item and validates on the one
 * before: learners take two context courses, then the likely course of each.
 */
export function easeWinsTwice(seed = 6): SyntheticLog {
  const random = seededRandom(seed);
  const next = Array.from({ length: 6 }, (_, i) => `next${i}`);
  const contexts = Array.from({ length: 30 }, (_, k) => ({ ctx: `ctx${k}`, likely: next[k % 6]!, rare: `rare${k}` }));
  const filler = Array.from({ length: 60 }, (_, i) => `f${i}`);
  const sequences: string[][] = [];
  for (const { ctx, likely, rare } of contexts) {
    for (let n = 0; n < 6; n++) {
      const then = random() < 0.75 ? likely : rare;
      sequences.push([ctx, then, ...sample(filler, 2, random)]);
    }
  }
  contexts.forEach((first, k) => {
    for (let n = 1; n <= 3; n++) {
      const second = contexts[(k + n) % contexts.length]!;
      sequences.push([first.ctx, second.ctx, first.likely, second.likely]);
    }
  });
  return log(sequences, [...filler, ...contexts.flatMap((c) => [c.ctx, c.rare]), ...next]);
}
