// The production propensity model: gradient-boosted trees and the small network, trained on the
// same encoded features, their log-odds averaged with weights (trees TREE_WEIGHT, network the
// rest) and squashed by a sigmoid. Trees alone reach the network's ROC-AUC; the two err
// differently, so the blend beats both (README, "Propensity"). One ONNX graph serves it.
import type { Tf } from "../tf/backend";
import { DEFAULT_NETWORK_OPTIONS, tfjsLogits, trainNetwork, type Network, type NetworkOptions } from "./network";
import { DEFAULT_TREE_OPTIONS, trainTrees, treeLogits, type TreeEnsemble, type TreeOptions } from "./trees";

/** Share of the trees in the blended log-odds, chosen by cross-validation (scripts/eval-propensity.mjs). */
export const TREE_WEIGHT = 0.8;

export interface PropensityOptions {
  network: Partial<NetworkOptions>;
  trees: Partial<TreeOptions>;
  treeWeight: number;
}

export const DEFAULT_PROPENSITY_OPTIONS: PropensityOptions = {
  network: DEFAULT_NETWORK_OPTIONS,
  trees: DEFAULT_TREE_OPTIONS,
  treeWeight: TREE_WEIGHT,
};

export interface PropensityModel {
  inputs: number;
  network: Network;
  trees: TreeEnsemble;
  treeWeight: number;
}

export async function trainPropensityModel(
  tf: Tf,
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  options: Partial<PropensityOptions> = {},
): Promise<PropensityModel> {
  const o = { ...DEFAULT_PROPENSITY_OPTIONS, ...options };
  const network = await trainNetwork(tf, x, y, inputs, o.network);
  const trees = trainTrees(x, y, inputs, o.trees);
  return { inputs, network, trees, treeWeight: o.treeWeight };
}

/**
 * Probabilities for a [rows, inputs] matrix from the training runtimes (tfjs for the network,
 * TypeScript for the trees): the reference the ONNX export must reproduce.
 */
export function referencePredict(tf: Tf, model: PropensityModel, x: Float32Array): Float32Array {
  const network = tfjsLogits(tf, model.network, x);
  const trees = treeLogits(model.trees, x);
  const w = model.treeWeight;
  return Float32Array.from(network, (z, i) => 1 / (1 + Math.exp(-(w * trees[i]! + (1 - w) * z))));
}
