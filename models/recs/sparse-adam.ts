// Adam for embedding tables, updating only the rows a batch touched ("lazy" Adam, as TensorFlow's
// LazyAdamOptimizer does). A dense optimizer would rewrite every row of a 50k-item table on every
// step; this costs O(batch x dim). Gradients come from tfjs; only the update is done here.

export class SparseAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;

  constructor(
    readonly params: Float32Array,
    readonly width: number,
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.m = new Float32Array(params.length);
    this.v = new Float32Array(params.length);
  }

  /** Applies one step: `grads` holds one row of `width` per entry of `rows` (repeats are summed first). */
  apply(rows: ArrayLike<number>, grads: ArrayLike<number>): void {
    const w = this.width;
    const summed = new Map<number, Float32Array>();
    for (let r = 0; r < rows.length; r++) {
      let g = summed.get(rows[r]!);
      if (!g) summed.set(rows[r]!, (g = new Float32Array(w)));
      for (let k = 0; k < w; k++) g[k]! += grads[r * w + k]!;
    }
    this.step++;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    for (const [row, g] of summed) {
      for (let k = 0; k < w; k++) {
        const at = row * w + k;
        const m = (this.m[at] = this.beta1 * this.m[at]! + (1 - this.beta1) * g[k]!);
        const v = (this.v[at] = this.beta2 * this.v[at]! + (1 - this.beta2) * g[k]! * g[k]!);
        this.params[at]! -= (this.learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + this.epsilon);
      }
    }
  }
}

/** Copies the given rows of a row-major table into one [rows x width] block. */
export function gatherRows(table: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) out.set(table.subarray(rows[r]! * width, rows[r]! * width + width), r * width);
  return out;
}
