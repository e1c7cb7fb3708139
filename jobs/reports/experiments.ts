// The ROI email's experiments section: each running experiment's primary metric so far (from its
// start to the report's end), per variant, with each treatment's effect against control.
import type { SiteDatabase } from "../../schema/databases";
import { addDays, dayStart } from "../../core/time";
import { type ExperimentMetric, experimentResults } from "../../models/experiments/results";
import { listExperiments } from "../../schema/queries/experiments";
import { experimentData } from "../experiment-data";
import type { SiteRow } from "../../schema/queries/sites";

export interface ReportExperiment {
  key: string;
  name: string;
  metric: string;
  /** Control first. */
  variants: { key: string; units: number; mean: number | null }[];
  /** Per treatment: relative effect, its 95% interval and p-value (null without enough data). */
  effects: { key: string; effect: number | null; ci: [number, number] | null; pValue: number | null }[];
  srmWarning: boolean;
}

export async function runningExperiments(db: SiteDatabase, site: SiteRow, to: string): Promise<ReportExperiment[]> {
  const end = dayStart(addDays(to, 1), site.timezone);
  const running = (await listExperiments(db, { siteId: site.id })).filter((e) => e.status === "running");
  const out: ReportExperiment[] = [];
  for (const e of running) {
    const { rows, pre } = await experimentData(db, { siteId: site.id }, site.currency, e, { to: end });
    const metric = e.primaryMetric as ExperimentMetric;
    const res = experimentResults(
      e.variants.map((v) => v.key),
      e.variants.map((v) => v.weight),
      rows,
      [metric],
      "frequentist",
      pre !== null,
    );
    const m = res.metrics[0]!;
    out.push({
      key: e.key,
      name: e.name,
      metric,
      variants: e.variants.map((v, i) => ({ key: v.key, units: res.units[i]!, mean: m.means[i]! })),
      effects: m.results.map((r, i) => ({ key: e.variants[i + 1]!.key, effect: r.effect, ci: r.ci, pValue: r.pValue })),
      srmWarning: res.srm.warning,
    });
  }
  return out;
}
