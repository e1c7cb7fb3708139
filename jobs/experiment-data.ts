// An experiment's per-variant, per-day sums as results read them, for the results API and the ROI
// email alike: revenue converted to the site's currency with the site's FX rates (as ROI converts
// spend), in major units, and each unit's pre-period outcomes for CUPED.
import { currencyDigits } from "../core/money";
import { DAY_MS } from "../core/time";
import { DEFAULT_CUPED_DAYS } from "../models/experiments/cuped";
import { inMajorUnits } from "../models/experiments/results";
import {
  type ExperimentRow,
  experimentVariantDays,
  exposureSource,
  type VariantDayRow,
} from "../schema/queries/experiments";
import type { SiteScope } from "../schema/queries/scope";
import { allRates } from "../schema/queries/spend";

export interface ExperimentDataOptions {
  /** Exclusive end of the outcomes read (ms). */
  to: number;
  /** False turns CUPED off for this read; the experiment's own setting applies otherwise. */
  cuped?: boolean;
}

/** The pre-period CUPED reads: `cuped_days` (default 14) before the start; null when off. */
export function cupedWindow(row: ExperimentRow, enabled = true): [number, number] | null {
  const days = row.cupedDays ?? DEFAULT_CUPED_DAYS;
  const start = row.startedAt ?? row.createdAt;
  if (!enabled || days <= 0) return null;
  return [start - days * DAY_MS, start];
}

export interface ExperimentData {
  /** Revenue sums in major units of the site's currency. */
  rows: VariantDayRow[];
  /** The pre-period read, or null when CUPED is off. */
  pre: [number, number] | null;
  /** Purchases left out of revenue for want of a rate (as ROI reports them). */
  issues: { code: "missing_fx_rate"; currency: string; date: string }[];
}

export async function experimentData(
  db: D1Database,
  scope: SiteScope,
  currency: string,
  row: ExperimentRow,
  options: ExperimentDataOptions,
): Promise<ExperimentData> {
  const pre = cupedWindow(row, options.cuped ?? true);
  const digits = currencyDigits(currency);
  const factors: Record<string, number> = {};
  for (const r of await allRates(db, scope)) factors[r.currency] ??= 10 ** (digits - currencyDigits(r.currency));
  const from = row.startedAt ?? row.createdAt;
  const rows = await experimentVariantDays(db, scope, exposureSource(row), {
    from,
    to: options.to,
    pre: pre ?? [0, 0],
    currency,
    factors,
  });
  const missing = new Set(rows.flatMap((r) => r.missingFx?.split(",") ?? []));
  const issues = [...missing].sort().map((m) => {
    const [code, date] = m.split(":") as [string, string];
    return { code: "missing_fx_rate" as const, currency: code, date };
  });
  return { rows: inMajorUnits(rows, digits), pre, issues };
}
