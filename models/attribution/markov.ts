// Data-driven attribution with a Markov chain over channels (order k: a state is the last k
// channels). Removal effects are computed exactly: the probability of reaching conversion from the
// start is the solution of the absorbing chain's linear system (I - Q) x = r, solved once for the
// full chain and once per channel with that channel's states turned into dead ends. No simulation.
// Follows ChannelAttribution: repeated consecutive channels collapse, non-converting paths count.
// Value has two methods (VALUE_METHODS): Wayfind's value-weighted chain (the default) and
// ChannelAttribution's, which keys each conversion's value to the state it converted from.
import { collapseRepeats, type ConversionPath } from "./paths";

export const START = "(start)";
export const CONVERSION = "(conversion)";
export const NULL = "(null)";

/** Up to this many transient states the system is solved by dense Gaussian elimination. */
export const DENSE_SOLVER_MAX_STATES = 600;

/**
 * How value is shared. `value_weighted`: removal effects of a second chain whose converting paths
 * weigh by their value. `channelattribution`: as ChannelAttribution's markov_model computes
 * total_conversion_value, a conversion from state s is worth the mean value per conversion of the
 * paths that converted from s; its simulation's expectation is solved exactly here.
 */
export const VALUE_METHODS = ["value_weighted", "channelattribution"] as const;
export type ValueMethod = (typeof VALUE_METHODS)[number];

/** Transient states the order-`order` chain over `paths` has, (start) included, without building it. */
export function countMarkovStates(paths: readonly ConversionPath[], order: number): number {
  const states = new Set<string>();
  for (const path of paths) {
    const steps = collapseRepeats(path.channels);
    for (let i = 0; i < steps.length; i++) states.add(steps.slice(Math.max(0, i - order + 1), i + 1).join(" > "));
  }
  return states.size + 1;
}

interface Chain {
  /** Transient states; index 0 is (start). */
  names: string[];
  /** Channels each state contains (for removal). */
  channels: Set<string>[];
  /** Transitions between transient states, with probabilities. */
  next: Map<number, number>[];
  /** Probability of converting / dropping out directly from each state. */
  toConversion: number[];
  toNull: number[];
  /** Mean value per conversion of the paths that converted from each state (0 if none did). */
  valuePerConversion: number[];
}

interface Weights {
  converting: number;
  dropping: number;
}

function buildChain(paths: readonly ConversionPath[], order: number, weigh: (p: ConversionPath) => Weights): Chain {
  const index = new Map<string, number>([[START, 0]]);
  const names = [START];
  const channels: Set<string>[] = [new Set()];
  const counts: Map<number, number>[] = [new Map()];
  const conv: number[] = [0];
  const drop: number[] = [0];
  const convertedCount: number[] = [0];
  const convertedValue: number[] = [0];
  const stateOf = (tuple: string[]) => {
    const key = tuple.join(" > ");
    let i = index.get(key);
    if (i === undefined) {
      i = names.length;
      index.set(key, i);
      names.push(key);
      channels.push(new Set(tuple));
      counts.push(new Map());
      conv.push(0);
      drop.push(0);
      convertedCount.push(0);
      convertedValue.push(0);
    }
    return i;
  };
  for (const path of paths) {
    const steps = collapseRepeats(path.channels);
    const { converting, dropping } = weigh(path);
    const through = converting + dropping;
    if (steps.length === 0 || through <= 0) continue;
    let from = 0;
    for (let i = 0; i < steps.length; i++) {
      const to = stateOf(steps.slice(Math.max(0, i - order + 1), i + 1));
      counts[from]!.set(to, (counts[from]!.get(to) ?? 0) + through);
      from = to;
    }
    conv[from]! += converting;
    drop[from]! += dropping;
    if (path.conversions > 0) {
      convertedCount[from]! += path.conversions;
      convertedValue[from]! += path.value;
    }
  }
  const next: Map<number, number>[] = [];
  const toConversion: number[] = [];
  const toNull: number[] = [];
  for (let s = 0; s < names.length; s++) {
    let total = conv[s]! + drop[s]!;
    for (const c of counts[s]!.values()) total += c;
    const row = new Map<number, number>();
    if (total > 0) for (const [t, c] of counts[s]!) row.set(t, c / total);
    next.push(row);
    toConversion.push(total > 0 ? conv[s]! / total : 0);
    toNull.push(total > 0 ? drop[s]! / total : 0);
  }
  const valuePerConversion = convertedCount.map((n, s) => (n > 0 ? convertedValue[s]! / n : 0));
  return { names, channels, next, toConversion, toNull, valuePerConversion };
}

/**
 * Probability of reaching (conversion) from (start). States in `dead` are turned into (null).
 * With `reward` (per state, paid on converting from it) it is the expected reward instead.
 * Dense Gaussian elimination with partial pivoting for small chains (exact up to rounding);
 * Gauss-Seidel to a 1e-15 residual for large ones (the chain is absorbing, so it converges).
 */
export function conversionProbability(
  chain: Omit<Chain, "valuePerConversion">,
  dead: (state: number) => boolean = () => false,
  reward?: readonly number[],
): number {
  const r = (s: number) => chain.toConversion[s]! * (reward ? reward[s]! : 1);
  const live: number[] = [];
  const position = new Map<number, number>();
  for (let s = 0; s < chain.names.length; s++) {
    if (!dead(s)) {
      position.set(s, live.length);
      live.push(s);
    }
  }
  if (!position.has(0)) return 0;
  const n = live.length;
  if (n <= DENSE_SOLVER_MAX_STATES) {
    const a = Array.from({ length: n }, () => new Float64Array(n + 1));
    live.forEach((s, i) => {
      const row = a[i]!;
      row[i] = 1;
      for (const [t, p] of chain.next[s]!) {
        const j = position.get(t);
        if (j !== undefined) row[j]! -= p;
      }
      row[n] = r(s);
    });
    for (let col = 0; col < n; col++) {
      let pivot = col;
      for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
      [a[col], a[pivot]] = [a[pivot]!, a[col]!];
      const p = a[col]![col]!;
      if (Math.abs(p) < 1e-300) continue;
      for (let r = 0; r < n; r++) {
        if (r === col) continue;
        const f = a[r]![col]! / p;
        if (f === 0) continue;
        const rowR = a[r]!;
        const rowC = a[col]!;
        for (let k = col; k <= n; k++) rowR[k]! -= f * rowC[k]!;
      }
    }
    const i0 = position.get(0)!;
    return a[i0]![n]! / a[i0]![i0]!;
  }
  const x = new Float64Array(n);
  for (let iteration = 0; iteration < 100_000; iteration++) {
    let delta = 0;
    live.forEach((s, i) => {
      let v = r(s);
      for (const [t, p] of chain.next[s]!) {
        const j = position.get(t);
        if (j !== undefined) v += p * x[j]!;
      }
      delta = Math.max(delta, Math.abs(v - x[i]!));
      x[i] = v;
    });
    if (delta < 1e-15) break;
  }
  return x[position.get(0)!]!;
}

export interface MarkovResult {
  order: number;
  conversionProbability: number;
  removalEffects: Map<string, number>;
  conversions: Map<string, number>;
  value: Map<string, number>;
  transitionMatrix: Record<string, Record<string, number>>;
}

function removalEffects(chain: Chain, channels: Iterable<string>, reward?: readonly number[]): Map<string, number> {
  const base = conversionProbability(chain, undefined, reward);
  const effects = new Map<string, number>();
  for (const channel of channels) {
    const without = conversionProbability(chain, (s) => chain.channels[s]!.has(channel), reward);
    effects.set(channel, base > 0 ? 1 - without / base : 0);
  }
  return effects;
}

function shareOut(total: number, effects: Map<string, number>): Map<string, number> {
  const sum = [...effects.values()].reduce((a, b) => a + b, 0);
  return new Map([...effects].map(([c, e]) => [c, sum > 0 ? (total * e) / sum : 0]));
}

/**
 * Removal effects on value, ChannelAttribution's way. Its markov_model simulates paths through the
 * conversion chain; on reaching (conversion) it draws the conversion's value from the values per
 * conversion of the paths that converted from the last state, and credits that value to every
 * channel the path visited. The expected credit of channel c is the sum over states s of
 * P(visit c and convert from s) * mean value per conversion at s. Removing c loses exactly those
 * conversions, so that sum is (expected reward) - (expected reward without c), with reward
 * mean value per conversion at s: the same linear system as conversions, with a reward vector.
 * (The simulation also stops a path after the longest observed path length; the exact solution
 * has no such cut-off.)
 */
function channelAttributionValueEffects(chain: Chain, channels: Iterable<string>): Map<string, number> {
  return removalEffects(chain, channels, chain.valuePerConversion);
}

export function markovAttribution(
  paths: readonly ConversionPath[],
  order = 1,
  valueMethod: ValueMethod = "value_weighted",
): MarkovResult {
  const totalConversions = paths.reduce((n, p) => n + p.conversions, 0);
  const totalValue = paths.reduce((n, p) => n + p.value, 0);
  const chain = buildChain(paths, order, (p) => ({ converting: p.conversions, dropping: p.nulls }));
  const allChannels = new Set(paths.flatMap((p) => p.channels));
  const effects = removalEffects(chain, allChannels);
  let valueEffects = effects;
  if (totalValue > 0 && valueMethod === "channelattribution") {
    valueEffects = channelAttributionValueEffects(chain, allChannels);
  } else if (totalValue > 0) {
    // Value is shared out by removal effects on a chain whose converting paths weigh by their
    // value; paths without a conversion weigh by the mean value of a conversion, to stay comparable.
    const meanValue = totalConversions > 0 ? totalValue / totalConversions : 0;
    const valueChain = buildChain(paths, order, (p) => ({ converting: p.value, dropping: p.nulls * meanValue }));
    valueEffects = removalEffects(valueChain, allChannels);
  }

  const transitionMatrix: Record<string, Record<string, number>> = {};
  chain.names.forEach((name, s) => {
    const row: Record<string, number> = {};
    for (const [t, p] of chain.next[s]!) row[chain.names[t]!] = p;
    if (chain.toConversion[s]! > 0) row[CONVERSION] = chain.toConversion[s]!;
    if (chain.toNull[s]! > 0) row[NULL] = chain.toNull[s]!;
    transitionMatrix[name] = row;
  });
  return {
    order,
    conversionProbability: conversionProbability(chain),
    removalEffects: effects,
    conversions: shareOut(totalConversions, effects),
    value: shareOut(totalValue, valueEffects),
    transitionMatrix,
  };
}
