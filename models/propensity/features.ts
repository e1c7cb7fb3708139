// Turning a row of learner or session facts into the model's input vector. Training (Worker or
// Node) and serving call the same encode(), with the encoder fitted at training and stored with
// the model: no training/serving skew.

export type FeatureRow = Record<string, string | number | boolean | null | undefined>;

export interface FeatureSpec {
  numeric: readonly string[];
  categorical: readonly string[];
}

/** Fitted transform: per numeric feature the mean and spread after a signed log, per category its values. */
export interface Encoder {
  numeric: { name: string; mean: number; std: number }[];
  categorical: { name: string; values: string[] }[];
  width: number;
}

/**
 * Standardised values are clipped to this many deviations. Serving can see values training never
 * did (a learner back after 20 days, when every training example was mid-session); unclipped, one
 * such feature saturates the network.
 */
export const MAX_STANDARD_SCORE = 5;

/** Categories seen fewer times than this share one "other" slot: rare codes only add noise. */
export const MIN_CATEGORY_COUNT = 10;

/** Counts and durations are heavy-tailed: a signed log keeps a 3-hour session from dominating. */
function squash(value: unknown): number {
  const x = typeof value === "boolean" ? Number(value) : Number(value ?? 0);
  if (!Number.isFinite(x)) return 0;
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

const category = (value: unknown) => (value === null || value === undefined ? "" : String(value));

export function fitEncoder(rows: readonly FeatureRow[], spec: FeatureSpec): Encoder {
  const numeric = spec.numeric.map((name) => {
    let sum = 0;
    let squares = 0;
    for (const row of rows) {
      const x = squash(row[name]);
      sum += x;
      squares += x * x;
    }
    const n = Math.max(1, rows.length);
    const mean = sum / n;
    const std = Math.sqrt(Math.max(0, squares / n - mean * mean));
    return { name, mean, std: std > 1e-9 ? std : 1 };
  });
  const categorical = spec.categorical.map((name) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(category(row[name]), (counts.get(category(row[name])) ?? 0) + 1);
    const values = [...counts.entries()]
      .filter(([, n]) => n >= MIN_CATEGORY_COUNT)
      .map(([value]) => value)
      .sort();
    return { name, values };
  });
  // Each categorical feature gets one slot per kept value plus one for "other / unseen".
  const width = numeric.length + categorical.reduce((w, c) => w + c.values.length + 1, 0);
  return { numeric, categorical, width };
}

export function encode(encoder: Encoder, row: FeatureRow, out = new Float32Array(encoder.width)): Float32Array {
  out.fill(0);
  let at = 0;
  for (const f of encoder.numeric) {
    const z = (squash(row[f.name]) - f.mean) / f.std;
    out[at++] = Math.max(-MAX_STANDARD_SCORE, Math.min(MAX_STANDARD_SCORE, z));
  }
  for (const f of encoder.categorical) {
    const slot = f.values.indexOf(category(row[f.name]));
    out[at + (slot < 0 ? f.values.length : slot)] = 1;
    at += f.values.length + 1;
  }
  return out;
}

export function encodeAll(encoder: Encoder, rows: readonly FeatureRow[]): Float32Array {
  const matrix = new Float32Array(rows.length * encoder.width);
  rows.forEach((row, r) => encode(encoder, row, matrix.subarray(r * encoder.width, (r + 1) * encoder.width)));
  return matrix;
}

/**
 * A time-based holdout, encoded: the encoder is fitted on the training examples only (the test
 * rows must not leak into its scales or vocabularies), then both sides are encoded with it.
 */
export function encodeHoldout(
  train: readonly { row: FeatureRow; label: number }[],
  test: readonly { row: FeatureRow; label: number }[],
  spec: FeatureSpec,
) {
  const encoder = fitEncoder(
    train.map((e) => e.row),
    spec,
  );
  return {
    width: encoder.width,
    x: encodeAll(
      encoder,
      train.map((e) => e.row),
    ),
    y: Float32Array.from(train, (e) => e.label),
    xTest: encodeAll(
      encoder,
      test.map((e) => e.row),
    ),
    yTest: Float32Array.from(test, (e) => e.label),
  };
}
