// The production dropout model: the propensity model's architecture (gradient-boosted trees and a
// small network on the same encoded features, log-odds blended, one ONNX graph), trained on
// dropout examples. One code path serves the OULAD evaluation (scripts/eval-dropout.mjs) and the
// per-site retrain (jobs/dropout/train.ts), so the published figures describe what is served.
import type { Tf } from "../tf/backend";
import { DEFAULT_NETWORK_OPTIONS } from "../propensity/network";
import { DEFAULT_TREE_OPTIONS } from "../propensity/trees";
import { trainPropensityModel, type PropensityModel, type PropensityOptions } from "../propensity/model";

export const DEFAULT_DROPOUT_OPTIONS: PropensityOptions = {
  network: DEFAULT_NETWORK_OPTIONS,
  trees: DEFAULT_TREE_OPTIONS,
  treeWeight: 0.8,
};

export type DropoutModel = PropensityModel;

export function trainDropoutModel(
  tf: Tf,
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  options: Partial<PropensityOptions> = {},
): Promise<DropoutModel> {
  return trainPropensityModel(tf, x, y, inputs, { ...DEFAULT_DROPOUT_OPTIONS, ...options });
}
