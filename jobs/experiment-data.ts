// An experiment's per-variant, per-day sums as results read them, for the results API and the ROI
// email alike: revenue converted to the site's currency with the site's FX rates (as ROI converts
// spend), in major units, each unit's pre-period outcomes for CUPED, and creative tests' spend.
import type { SiteDatabase } from "../schema/databases";
import { convertMinor, currencyDigits, rateTable } from "../core/money";
import { DAY_MS, utcDay } from "../core/time";
import { DEFAULT_CUPED_DAYS } from "../models/experiments/cuped";
import { inMajorUnits } from "../models/experiments/results";
import {
  creativeCosts,
  type CreativeField,
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
  /** Creative tests: spend per variant in major units of the site's currency (null: no spend at this level). */
  cost: (number | null)[];
  /** Purchases or spend left out for want of a rate (as ROI reports them). */
  issues: FxIssue[];
}

interface FxIssue {
  code: "missing_fx_rate";
  currency: string;
  date: string;
}

export async function experimentData(
  db: SiteDatabase,
  scope: SiteScope,
  currency: string,
  row: ExperimentRow,
  options: ExperimentDataOptions,
): Promise<ExperimentData> {
  const pre = cupedWindow(row, options.cuped ?? true);
  const digits = currencyDigits(currency);
  const rates = await allRates(db, scope);
  const factors: Record<string, number> = {};
  for (const r of rates) factors[r.currency] ??= 10 ** (digits - currencyDigits(r.currency));
  const from = row.startedAt ?? row.createdAt;
  const rows = await experimentVariantDays(db, scope, exposureSource(row), {
    from,
    to: options.to,
    pre: pre ?? [0, 0],
    currency,
    factors,
  });
  const missing = new Set(rows.flatMap((r) => r.missingFx?.split(",") ?? []));
  const keys = row.variants.map((v) => v.key);
  const cost: (number | null)[] = keys.map(() => null);
  const spend =
    row.kind === "creative"
      ? await creativeCosts(db, scope, (row.creativeField ?? "utm_content") as CreativeField, keys, {
          from: utcDay(from),
          to: utcDay(options.to),
        })
      : null;
  if (spend) {
    // Spend in any currency, converted as ROI converts it (the rate of the spend's day).
    const table = rateTable(rates);
    keys.forEach((_, i) => (cost[i] = 0));
    for (const s of spend) {
      const minor = convertMinor(s.costMinor, s.currency, currency, s.date, table, currencyDigits);
      if (minor === undefined) missing.add(`${s.currency}:${s.date}`);
      else {
        const i = keys.indexOf(s.value);
        cost[i] = (cost[i] ?? 0) + minor / 10 ** digits;
      }
    }
  }
  const issues = [...missing].sort().map((m): FxIssue => {
    const [code, date] = m.split(":") as [string, string];
    return { code: "missing_fx_rate", currency: code, date };
  });
  return { rows: inMajorUnits(rows, digits), pre, cost, issues };
}
