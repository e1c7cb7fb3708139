// Rule-based attribution: each converting path's conversions and value split among its touchpoints.
import { type ConversionPath, DIRECT_CHANNELS } from "./paths";

export type Credit = Map<string, { conversions: number; value: number }>;
export type HeuristicModel =
  "first_touch" | "last_touch" | "last_non_direct" | "linear" | "time_decay" | "position_based";

export interface HeuristicOptions {
  /** Time decay: a touch this many days before the conversion gets half the weight of one at it. */
  halfLifeDays: number;
}

/** Weights per touchpoint (summing to 1) for one path under one model. */
export function touchWeights(model: HeuristicModel, path: ConversionPath, options: HeuristicOptions): number[] {
  const n = path.channels.length;
  const weights = new Array<number>(n).fill(0);
  if (n === 0) return weights;
  switch (model) {
    case "first_touch":
      weights[0] = 1;
      break;
    case "last_touch":
      weights[n - 1] = 1;
      break;
    case "last_non_direct": {
      const lastNonDirect = path.channels.findLastIndex((c) => !DIRECT_CHANNELS.has(c));
      weights[lastNonDirect >= 0 ? lastNonDirect : n - 1] = 1; // all direct: the last touch keeps it
      break;
    }
    case "linear":
      weights.fill(1 / n);
      break;
    case "time_decay": {
      // Without times, consecutive touchpoints are taken as one day apart.
      const days = path.daysBefore ?? path.channels.map((_, i) => n - 1 - i);
      const raw = days.map((d) => 2 ** (-d / options.halfLifeDays));
      const total = raw.reduce((a, b) => a + b, 0);
      raw.forEach((w, i) => (weights[i] = w / total));
      break;
    }
    case "position_based":
      if (n === 1) weights[0] = 1;
      else if (n === 2) weights[0] = weights[1] = 0.5;
      else {
        weights[0] = weights[n - 1] = 0.4;
        for (let i = 1; i < n - 1; i++) weights[i] = 0.2 / (n - 2);
      }
      break;
  }
  return weights;
}

export function heuristicAttribution(
  model: HeuristicModel,
  paths: readonly ConversionPath[],
  options: HeuristicOptions,
): Credit {
  const credit: Credit = new Map();
  for (const path of paths) {
    if (path.conversions === 0 && path.value === 0) continue;
    const weights = touchWeights(model, path, options);
    path.channels.forEach((channel, i) => {
      const c = credit.get(channel) ?? { conversions: 0, value: 0 };
      c.conversions += weights[i]! * path.conversions;
      c.value += weights[i]! * path.value;
      credit.set(channel, c);
    });
  }
  return credit;
}
