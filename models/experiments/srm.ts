// Sample-ratio mismatch: Pearson's χ² of the units per variant against the configured weights.
// A warning needs p < 0.001 and at least 8 units in every variant (too few units say nothing).
import { chiSquareSf } from "./distributions";

export const SRM_THRESHOLD = 0.001;
export const SRM_MIN_UNITS = 8;

export interface SrmResult {
  pValue: number;
  warning: boolean;
}

export function srmCheck(units: number[], weights: number[]): SrmResult {
  const total = units.reduce((s, u) => s + u, 0);
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  if (!total || units.length < 2) return { pValue: 1, warning: false };
  let x = 0;
  units.forEach((o, i) => {
    const w = weights[i] ?? 0;
    if (w <= 0) return;
    const e = (w / totalWeight) * total;
    x += (o - e) ** 2 / e;
  });
  const pValue = chiSquareSf(x, units.length - 1);
  return { pValue, warning: pValue < SRM_THRESHOLD && units.every((u) => u >= SRM_MIN_UNITS) };
}
