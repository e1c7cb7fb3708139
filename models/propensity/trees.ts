// Gradient-boosted decision trees on the encoded features (logistic loss, second-order leaves,
// histogram splits, row subsampling), as XGBoost and LightGBM grow them. Trees see the same
// Float32 inputs the network does and split with "x <= threshold" on Float32 thresholds, exactly
// as ONNX's TreeEnsembleRegressor (BRANCH_LEQ) compares them, so the export is bit-for-bit on the
// path taken through each tree.
import { seededRandom } from "../random";

export interface TreeOptions {
  trees: number;
  /** Levels below the root; a tree has at most 2^depth leaves. */
  depth: number;
  learningRate: number;
  /** Least hessian (p(1-p) summed) a leaf may hold: stops splits on a handful of rows. */
  minHessian: number;
  /** L2 penalty on leaf values (XGBoost's lambda). */
  l2: number;
  /** Share of rows each tree is grown on (stochastic gradient boosting). */
  subsample: number;
  /** Share of features each tree may split on. */
  colsample: number;
  /** Most candidate thresholds per feature (quantiles of the training values). */
  bins: number;
  seed: number;
}

/** Chosen by cross-validation on the UCI online-shoppers data (README, "Propensity"). */
export const DEFAULT_TREE_OPTIONS: TreeOptions = {
  trees: 300,
  depth: 4,
  learningRate: 0.02,
  minHessian: 5,
  l2: 1,
  subsample: 0.8,
  colsample: 0.7,
  bins: 64,
  seed: 42,
};

/** One tree, nodes in arrays; a leaf has feature -1 and its value in `value`. */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface TreeEnsemble {
  inputs: number;
  /** Log-odds before the first tree (the training base rate). */
  base: number;
  trees: Tree[];
}

/** Candidate thresholds per feature: midpoints between distinct values (quantiles when many). */
function thresholdsOf(column: Float32Array, bins: number): Float32Array {
  const sorted = Float32Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  let edges = distinct;
  if (distinct.length > bins) {
    // Quantile edges of the values (not of the distinct values), deduplicated.
    const picked = new Set<number>();
    for (let b = 1; b < bins; b++) picked.add(sorted[Math.floor((b * sorted.length) / bins)]!);
    picked.add(sorted[sorted.length - 1]!);
    picked.add(sorted[0]!);
    edges = [...picked].sort((a, b) => a - b);
  }
  const out: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    // The midpoint in Float32; if it rounds up to b, a itself still separates the two.
    let t = Math.fround((a + b) / 2);
    if (t >= b) t = a;
    out.push(t);
  }
  return Float32Array.from(out);
}

/** Bin of a value: the first threshold it is <= to (thresholds.length when above them all). */
function binOf(thresholds: Float32Array, x: number): number {
  let lo = 0;
  let hi = thresholds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= thresholds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

export function trainTrees(
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  options: Partial<TreeOptions> = {},
): TreeEnsemble {
  const o = { ...DEFAULT_TREE_OPTIONS, ...options };
  const rows = y.length;
  const random = seededRandom(o.seed);
  // Binned inputs, feature-major so a histogram pass reads one column at a time.
  const thresholds: Float32Array[] = [];
  const binned = new Uint16Array(rows * inputs);
  const column = new Float32Array(rows);
  for (let f = 0; f < inputs; f++) {
    for (let r = 0; r < rows; r++) column[r] = x[r * inputs + f]!;
    const t = thresholdsOf(column, o.bins);
    thresholds.push(t);
    for (let r = 0; r < rows; r++) binned[f * rows + r] = binOf(t, column[r]!);
  }
  const maxBins = Math.max(1, ...thresholds.map((t) => t.length + 1));
  const positives = y.reduce((s, v) => s + v, 0);
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, rows)));
  const base = Math.log(rate / (1 - rate));
  const score = new Float64Array(rows).fill(base);
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const histG = new Float64Array(maxBins);
  const histH = new Float64Array(maxBins);
  const trees: Tree[] = [];
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  const usable = new Uint8Array(inputs).fill(1);

  const leafValue = (g: number, h: number) => (-g / (h + o.l2)) * o.learningRate;

  function bestSplit(members: Int32Array, g: number, h: number): Split | null {
    const parent = (g * g) / (h + o.l2);
    let best: Split | null = null;
    for (let f = 0; f < inputs; f++) {
      const nb = thresholds[f]!.length;
      if (nb === 0 || !usable[f]) continue;
      histG.fill(0, 0, nb + 1);
      histH.fill(0, 0, nb + 1);
      const offset = f * rows;
      for (let i = 0; i < members.length; i++) {
        const r = members[i]!;
        const b = binned[offset + r]!;
        histG[b]! += grad[r]!;
        histH[b]! += hess[r]!;
      }
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < nb; b++) {
        gl += histG[b]!;
        hl += histH[b]!;
        const hr = h - hl;
        if (hl < o.minHessian || hr < o.minHessian) continue;
        const gr = g - gl;
        const gain = (gl * gl) / (hl + o.l2) + (gr * gr) / (hr + o.l2) - parent;
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { gain, feature: f, bin: b };
      }
    }
    return best;
  }

  for (let t = 0; t < o.trees; t++) {
    for (let r = 0; r < rows; r++) {
      const p = 1 / (1 + Math.exp(-score[r]!));
      grad[r] = p - y[r]!;
      hess[r] = Math.max(p * (1 - p), 1e-12);
    }
    let sample = all;
    if (o.subsample < 1) {
      const kept: number[] = [];
      for (let r = 0; r < rows; r++) if (random() < o.subsample) kept.push(r);
      sample = Int32Array.from(kept);
    }
    if (o.colsample < 1) for (let f = 0; f < inputs; f++) usable[f] = random() < o.colsample ? 1 : 0;
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const grow = (members: Int32Array, level: number): number => {
      let g = 0;
      let h = 0;
      for (let i = 0; i < members.length; i++) {
        g += grad[members[i]!]!;
        h += hess[members[i]!]!;
      }
      const id = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(Math.fround(leafValue(g, h)));
      const split = level < o.depth ? bestSplit(members, g, h) : null;
      if (!split) return id;
      const offset = split.feature * rows;
      const goLeft = members.filter((r) => binned[offset + r]! <= split.bin);
      const goRight = members.filter((r) => binned[offset + r]! > split.bin);
      tree.feature[id] = split.feature;
      tree.threshold[id] = thresholds[split.feature]![split.bin]!;
      tree.value[id] = 0;
      tree.left[id] = grow(goLeft, level + 1);
      tree.right[id] = grow(goRight, level + 1);
      return id;
    };
    grow(sample, 0);
    trees.push(tree);
    // Every row (sampled or not) moves by the new tree, as prediction will.
    for (let r = 0; r < rows; r++) score[r]! += leafOf(tree, x, r * inputs);
  }
  return { inputs, base, trees };
}

function leafOf(tree: Tree, x: ArrayLike<number>, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = x[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

/** Log-odds per row of a [rows, inputs] Float32 matrix. */
export function treeLogits(ensemble: TreeEnsemble, x: Float32Array): Float64Array {
  const rows = x.length / ensemble.inputs;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = ensemble.base;
    for (const tree of ensemble.trees) z += leafOf(tree, x, r * ensemble.inputs);
    out[r] = z;
  }
  return out;
}
