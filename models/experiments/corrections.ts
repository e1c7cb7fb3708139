// Multiple-testing corrections across an experiment's metrics: adjusted p-values for
// Holm–Bonferroni (family-wise error) and Benjamini–Hochberg (false discovery rate).

/** Holm: the k-th smallest p times (m − k), made monotone non-decreasing, capped at 1. */
export function holmBonferroni(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, p * (m - k)));
    out[i] = running;
  });
  return out;
}

/** Benjamini–Hochberg: p·m/rank, made monotone from the largest p down, capped at 1. */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => y[0] - x[0]);
  const out = new Array<number>(m);
  let running = 1;
  order.forEach(([p, i], k) => {
    const rank = m - k;
    running = Math.min(running, (p * m) / rank);
    out[i] = Math.min(1, running);
  });
  return out;
}
