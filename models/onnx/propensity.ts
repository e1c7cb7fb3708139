// The blended propensity model (models/propensity/model.ts) as one ONNX graph: the network's
// layers and an ONNX-ML TreeEnsembleRegressor read the same features; their log-odds, each
// pre-scaled by its blend weight, are added and squashed. Same input and output names as the
// network alone, so serving (models/onnx/run.ts runNetwork) is unchanged.
import type { PropensityModel } from "../propensity/model";
import type { TreeEnsemble } from "../propensity/trees";
import { NETWORK_INPUT, NETWORK_OUTPUT, networkLogitGraph } from "./network";
import { attribute, encodeModel, ML_DOMAIN, valueInfo } from "./proto";

/** TreeEnsembleRegressor summing `scale` x (base + leaf values) into `output` ([batch, 1]). */
function treeNode(ensemble: TreeEnsemble, output: string, scale: number) {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const leafTree: number[] = [];
  const leafNode: number[] = [];
  const leafWeight: number[] = [];
  ensemble.trees.forEach((tree, t) => {
    tree.feature.forEach((feature, n) => {
      treeIds.push(t);
      nodeIds.push(n);
      const leaf = feature < 0;
      featureIds.push(leaf ? 0 : feature);
      values.push(leaf ? 0 : tree.threshold[n]!);
      modes.push(leaf ? "LEAF" : "BRANCH_LEQ");
      trueIds.push(leaf ? 0 : tree.left[n]!);
      falseIds.push(leaf ? 0 : tree.right[n]!);
      if (leaf) {
        leafTree.push(t);
        leafNode.push(n);
        leafWeight.push(tree.value[n]! * scale);
      }
    });
  });
  return {
    opType: "TreeEnsembleRegressor",
    domain: ML_DOMAIN,
    input: [NETWORK_INPUT],
    output: [output],
    attribute: [
      attribute("n_targets", { int: 1 }),
      attribute("nodes_treeids", { ints: treeIds }),
      attribute("nodes_nodeids", { ints: nodeIds }),
      attribute("nodes_featureids", { ints: featureIds }),
      attribute("nodes_values", { floats: values }),
      attribute("nodes_modes", { strings: modes }),
      attribute("nodes_truenodeids", { ints: trueIds }),
      attribute("nodes_falsenodeids", { ints: falseIds }),
      attribute("target_treeids", { ints: leafTree }),
      attribute("target_nodeids", { ints: leafNode }),
      attribute("target_ids", { ints: leafTree.map(() => 0) }),
      attribute("target_weights", { floats: leafWeight }),
      attribute("base_values", { floats: [ensemble.base * scale] }),
      attribute("aggregate_function", { string: "SUM" }),
      attribute("post_transform", { string: "NONE" }),
    ],
  };
}

export function propensityOnnx(model: PropensityModel): Uint8Array {
  const w = model.treeWeight;
  const network = networkLogitGraph(model.network, "z_network", 1 - w, "net_");
  return encodeModel(
    {
      name: "propensity_trees_mlp",
      initializer: network.initializer,
      input: [valueInfo(NETWORK_INPUT, ["batch", model.inputs])],
      output: [valueInfo(NETWORK_OUTPUT, ["batch", 1])],
      node: [
        ...network.node,
        treeNode(model.trees, "z_trees", w),
        { opType: "Add", input: ["z_network", "z_trees"], output: ["z"] },
        { opType: "Sigmoid", input: ["z"], output: [NETWORK_OUTPUT] },
      ],
    },
    "Wayfind purchase propensity (blend)",
    true,
  );
}
