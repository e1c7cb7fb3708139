// One call for every model, answering in the shape POST /api/v1/attribution documents.
import { heuristicAttribution, type HeuristicModel } from "./heuristics";
import { markovAttribution, type ValueMethod } from "./markov";
import { type ConversionPath, type ModelName } from "./paths";

export interface AttributionOptions {
  models: readonly ModelName[];
  /** Markov order (1 = first order). */
  order: number;
  halfLifeDays: number;
  /** How Markov shares value (markov.ts VALUE_METHODS); value_weighted when absent. */
  valueMethod?: ValueMethod;
}

export interface ChannelCredit {
  channel: string;
  [model: string]: string | { conversions: number; value: number; removal_effect?: number };
}

export interface AttributionResult {
  totals: { conversions: number; value: number; paths: number };
  channels: ChannelCredit[];
  markov?: { order: number; conversion_probability: number; transition_matrix: Record<string, Record<string, number>> };
}

export function attribute(paths: readonly ConversionPath[], options: AttributionOptions): AttributionResult {
  const channels = [...new Set(paths.flatMap((p) => p.channels))].sort();
  const rows = new Map<string, ChannelCredit>(channels.map((c) => [c, { channel: c }]));
  const result: AttributionResult = {
    totals: {
      conversions: paths.reduce((n, p) => n + p.conversions, 0),
      value: paths.reduce((n, p) => n + p.value, 0),
      paths: paths.reduce((n, p) => n + p.conversions + p.nulls, 0),
    },
    channels: [...rows.values()],
  };
  for (const model of options.models) {
    if (model === "markov") {
      const m = markovAttribution(paths, options.order, options.valueMethod);
      for (const [channel, row] of rows) {
        row.markov = {
          conversions: m.conversions.get(channel) ?? 0,
          value: m.value.get(channel) ?? 0,
          removal_effect: m.removalEffects.get(channel) ?? 0,
        };
      }
      result.markov = {
        order: m.order,
        conversion_probability: m.conversionProbability,
        transition_matrix: m.transitionMatrix,
      };
    } else {
      const credit = heuristicAttribution(model as HeuristicModel, paths, { halfLifeDays: options.halfLifeDays });
      for (const [channel, row] of rows) row[model] = credit.get(channel) ?? { conversions: 0, value: 0 };
    }
  }
  return result;
}
