// Why a learner is at risk: for each feature, how much the dropout probability falls when that
// feature alone is reset to its training mean (0 in the encoder's standardised space). The
// features whose reset lowers the probability most are the reasons, named by code (the feature
// name, for the dashboard to translate) and in plain words (DROPOUT_FEATURE_LABELS). One batch
// through the scorer: a row as it is, then one row per feature with that feature reset.
import { encode, type Encoder, type FeatureRow } from "../propensity/features";
import { DROPOUT_FEATURE_LABELS } from "./learner";

/** At most this many reasons per learner. */
export const MAX_REASONS = 3;
/** A reset must lower the probability by at least this much to count as a reason. */
export const MIN_REASON_IMPACT = 0.01;

export interface Reason {
  /** The feature's name: a stable code (DROPOUT_SPEC.numeric). */
  code: string;
  /** The feature in plain English. */
  label: string;
  /** The learner's value of the feature. */
  value: number;
  /** How much lower the probability is with the feature at its training mean. */
  impact: number;
}

export interface Scored {
  probability: number;
  reasons: Reason[];
}

/** `run` scores a row-major matrix of encoded rows (width = encoder.width), one probability per row. */
export async function scoreWithReasons(
  encoder: Encoder,
  rows: readonly FeatureRow[],
  run: (x: Float32Array) => Promise<Float32Array>,
): Promise<Scored[]> {
  const width = encoder.width;
  const perRow = 1 + encoder.numeric.length;
  const x = new Float32Array(rows.length * perRow * width);
  rows.forEach((row, r) => {
    const base = encode(encoder, row);
    for (let k = 0; k < perRow; k++) {
      const at = (r * perRow + k) * width;
      x.set(base, at);
      if (k > 0) x[at + k - 1] = 0; // numeric features come first in the encoding
    }
  });
  const p = rows.length ? await run(x) : new Float32Array();
  return rows.map((row, r) => {
    const probability = p[r * perRow]!;
    const reasons = encoder.numeric
      .map((f, k) => ({
        code: f.name,
        label: DROPOUT_FEATURE_LABELS[f.name] ?? f.name,
        value: round(Number(row[f.name] ?? 0)),
        impact: probability - p[r * perRow + k + 1]!,
      }))
      .filter((reason) => reason.impact >= MIN_REASON_IMPACT)
      .sort((a, b) => b.impact - a.impact || a.code.localeCompare(b.code))
      .slice(0, MAX_REASONS)
      .map((reason) => ({ ...reason, impact: round(reason.impact, 4) }));
    return { probability, reasons };
  });
}

const round = (v: number, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : 0);
