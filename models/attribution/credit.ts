// Crediting a day's purchases to channels, sources, campaigns and partners under every model.
// Pure: the rollup job gathers purchases and their touchpoints from D1 and writes what this returns.
import { touchWeights, type HeuristicModel } from "./heuristics";
import { MODEL_NAMES, type ModelName } from "./paths";
import { DAY_MS } from "../../core/time";

export const DIMENSIONS = ["channel", "source", "campaign", "partner"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A session before the purchase (its entry attribution), inside the lookback window. */
export interface Touch {
  ts: number;
  channel: string;
  source: string;
  campaign: string;
  partner: string | null;
}

export interface Purchase {
  ts: number;
  /** Net of refunds, in minor units of the reporting currency; null when a rate was missing. */
  valueMinor: number | null;
  /** Before refunds. */
  grossMinor: number | null;
  /** The customer's first purchase. */
  isNew: boolean;
  /** For new customers: net revenue of their purchases within 30 / 90 days of this one. */
  ltv30Minor: number;
  ltv90Minor: number;
  /** Oldest first; the last one is the purchase's own session. */
  touches: Touch[];
}

export interface ModelCredit {
  conversions: number;
  value_minor: number;
  new_customers: number;
  ltv30_minor: number;
  ltv90_minor: number;
}

export interface CreditRow {
  dimension: Dimension;
  key: string;
  /** Last-touch figures: the purchase's own session. */
  conversions: number;
  newCustomers: number;
  revenueMinor: number;
  refundsMinor: number;
  attributed: Record<ModelName, ModelCredit>;
}

/** Markov removal effects per dimension value, from the site's fitted chain. */
export type RemovalEffects = Partial<Record<Dimension, Record<string, number>>>;

export function touchValue(touch: Touch, dimension: Dimension): string {
  return dimension === "partner" ? (touch.partner ?? "(none)") : touch[dimension];
}

function emptyCredit(): Record<ModelName, ModelCredit> {
  return Object.fromEntries(
    MODEL_NAMES.map((m) => [m, { conversions: 0, value_minor: 0, new_customers: 0, ltv30_minor: 0, ltv90_minor: 0 }]),
  ) as Record<ModelName, ModelCredit>;
}

/** Markov credit for one path: its distinct values share by removal effect (linear if none known). */
function markovWeights(values: string[], effects: Record<string, number> | undefined): number[] {
  const distinct = [...new Set(values)];
  const total = distinct.reduce((n, v) => n + (effects?.[v] ?? 0), 0);
  const share = new Map(distinct.map((v) => [v, total > 0 ? (effects?.[v] ?? 0) / total : 1 / distinct.length]));
  // Spread each value's share over its occurrences so weights stay per touch.
  const occurrences = new Map<string, number>();
  for (const v of values) occurrences.set(v, (occurrences.get(v) ?? 0) + 1);
  return values.map((v) => share.get(v)! / occurrences.get(v)!);
}

export function creditPurchases(
  purchases: readonly Purchase[],
  effects: RemovalEffects,
  halfLifeDays: number,
): CreditRow[] {
  const rows = new Map<string, CreditRow>();
  const rowFor = (dimension: Dimension, key: string) => {
    const id = `${dimension}\u0000${key}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        dimension,
        key,
        conversions: 0,
        newCustomers: 0,
        revenueMinor: 0,
        refundsMinor: 0,
        attributed: emptyCredit(),
      };
      rows.set(id, row);
    }
    return row;
  };
  for (const purchase of purchases) {
    if (purchase.touches.length === 0) continue;
    const value = purchase.valueMinor ?? 0;
    const daysBefore = purchase.touches.map((t) => Math.max(0, (purchase.ts - t.ts) / DAY_MS));
    for (const dimension of DIMENSIONS) {
      const values = purchase.touches.map((t) => touchValue(t, dimension));
      const own = rowFor(dimension, values.at(-1)!);
      own.conversions += 1;
      own.revenueMinor += value;
      own.refundsMinor += Math.max(0, (purchase.grossMinor ?? 0) - value);
      if (purchase.isNew) own.newCustomers += 1;
      for (const model of MODEL_NAMES) {
        const weights =
          model === "markov"
            ? markovWeights(values, effects[dimension])
            : touchWeights(
                model as HeuristicModel,
                { channels: values, conversions: 1, value, nulls: 0, daysBefore },
                { halfLifeDays },
              );
        values.forEach((v, i) => {
          const w = weights[i]!;
          if (w === 0) return;
          const credit = rowFor(dimension, v).attributed[model];
          credit.conversions += w;
          credit.value_minor += w * value;
          if (purchase.isNew) {
            credit.new_customers += w;
            credit.ltv30_minor += w * purchase.ltv30Minor;
            credit.ltv90_minor += w * purchase.ltv90Minor;
          }
        });
      }
    }
  }
  return [...rows.values()];
}
