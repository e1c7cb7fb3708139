// Small dense linear algebra in plain TypeScript: products, Gaussian elimination with partial
// pivoting, Cholesky, the inverse of a symmetric positive definite matrix, and column
// standardisation. Shared by the analysis models (a few dozen columns) and EASE (an item x item
// Gram matrix, up to a few thousand rows). No package in node_modules does this in plain
// TypeScript (tfjs-core's linalg works on tensors and needs a backend).

export type Matrix = number[][];

/** Thrown when a system has no unique solution (a zero pivot) or a matrix is not positive definite. */
export class LinalgError extends Error {
  override name = "LinalgError";
}

export const identity = (n: number): Matrix =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

export function transpose(a: Matrix): Matrix {
  const cols = a[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, j) => a.map((row) => row[j]!));
}

export function matMul(a: Matrix, b: Matrix): Matrix {
  const inner = b.length;
  const cols = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(cols).fill(0);
    for (let k = 0; k < inner; k++) {
      const x = row[k]!;
      if (x === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < cols; j++) out[j]! += x * bk[j]!;
    }
    return out;
  });
}

export const matVec = (a: Matrix, x: readonly number[]): number[] =>
  a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));

/** XᵀX without forming Xᵀ (rows of X are observations). */
export function gram(x: Matrix): Matrix {
  const p = x[0]?.length ?? 0;
  const out = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (const row of x)
    for (let i = 0; i < p; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      for (let j = i; j < p; j++) out[i]![j]! += ri * row[j]!;
    }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out[i]![j] = out[j]![i]!;
  return out;
}

/** Xᵀy. */
export function xty(x: Matrix, y: readonly number[]): number[] {
  const out = new Array<number>(x[0]?.length ?? 0).fill(0);
  x.forEach((row, r) => row.forEach((v, j) => (out[j]! += v * y[r]!)));
  return out;
}

/**
 * Solves A·X = B by Gaussian elimination with partial pivoting (the largest remaining entry of
 * each column is swapped up, which keeps the multipliers at most 1 in size). B may be a vector or
 * a matrix of right-hand sides. Throws LinalgError when A is singular to working precision.
 */
export function solve(a: Matrix, b: readonly number[]): number[];
export function solve(a: Matrix, b: Matrix): Matrix;
export function solve(a: Matrix, b: readonly number[] | Matrix): number[] | Matrix {
  const n = a.length;
  const vector = typeof b[0] === "number";
  const rhs: Matrix = vector ? (b as number[]).map((v) => [v]) : (b as Matrix).map((row) => [...row]);
  const m = a.map((row) => [...row]);
  const scale = Math.max(1e-300, ...m.flat().map(Math.abs));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) <= 1e-12 * scale) throw new LinalgError("The matrix is singular.");
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    [rhs[col], rhs[pivot]] = [rhs[pivot]!, rhs[col]!];
    const top = m[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = m[r]!;
      const f = row[col]! / top[col]!;
      if (f === 0) continue;
      for (let j = col; j < n; j++) row[j]! -= f * top[j]!;
      rhs[r] = rhs[r]!.map((v, j) => v - f * rhs[col]![j]!);
    }
  }
  const x: Matrix = rhs.map((row) => row.map(() => 0));
  for (let r = n - 1; r >= 0; r--) {
    x[r] = rhs[r]!.map((v, j) => {
      let s = v;
      for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]![j]!;
      return s / m[r]![r]!;
    });
  }
  return vector ? x.map((row) => row[0]!) : x;
}

export const inverse = (a: Matrix): Matrix => solve(a, identity(a.length));

/** Lower-triangular L with L·Lᵀ = A, for symmetric positive definite A; throws LinalgError otherwise. */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const flat = new Float64Array(n * n);
  a.forEach((row, i) => flat.set(row, i * n));
  choleskyInPlace(flat, n);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j <= i ? flat[i * n + j]! : 0)));
}

/** Σ a[x+k]·a[y+k] for k in [from, to): four accumulators, which V8 runs about 1.5x faster. */
function rowDot(a: Float64Array, x: number, y: number, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = from;
  for (; k + 3 < to; k += 4) {
    s0 += a[x + k]! * a[y + k]!;
    s1 += a[x + k + 1]! * a[y + k + 1]!;
    s2 += a[x + k + 2]! * a[y + k + 2]!;
    s3 += a[x + k + 3]! * a[y + k + 3]!;
  }
  for (; k < to; k++) s0 += a[x + k]! * a[y + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Cholesky of a row-major n x n symmetric positive definite matrix, in place: its lower triangle
 * (diagonal included) becomes L; the strict upper triangle is left alone. Row by row, so every
 * inner loop reads two contiguous rows. Returns L's diagonal; throws LinalgError when A is not
 * positive definite to working precision.
 */
export function choleskyInPlace(a: Float64Array, n: number): Float64Array {
  const diag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) a[ri + j] = (a[ri + j]! - rowDot(a, ri, j * n, 0, j)) / diag[j]!;
    const s = a[ri + i]! - rowDot(a, ri, ri, 0, i);
    if (!(s > 1e-12 * Math.max(1, Math.abs(a[ri + i]!)))) {
      throw new LinalgError("The matrix is not positive definite.");
    }
    a[ri + i] = diag[i] = Math.sqrt(s);
  }
  return diag;
}

/**
 * The inverse of a row-major n x n symmetric positive definite matrix, in place, through its
 * Cholesky factor (as LAPACK's potrf + potri): A = L·Lᵀ, M = L⁻¹, A⁻¹ = Mᵀ·M. Mᵀ is kept in the
 * upper triangle while L still fills the lower one, so no second n x n buffer is needed (at
 * 2,000 rows one buffer is 32 MB of a Worker's 128). About n³/2 multiply-adds.
 */
export function spdInverseInPlace(a: Float64Array, n: number): Float64Array {
  const diag = choleskyInPlace(a, n);
  // Row j of the upper triangle becomes column j of M (forward substitution of L·m = e_j).
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    a[rj + j] = 1 / diag[j]!;
    for (let i = j + 1; i < n; i++) a[rj + i] = -rowDot(a, i * n, rj, j, i) / diag[i]!;
  }
  // (Mᵀ·M)_ij = Σ_{k ≥ max(i,j)} M_ki·M_kj: dot products of upper-triangle rows, written below the
  // diagonal (L is no longer needed); the diagonal waits until every row has been read.
  const inverseDiag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) a[ri + j] = rowDot(a, ri, j * n, i, n);
    inverseDiag[i] = rowDot(a, ri, ri, i, n);
  }
  for (let i = 0; i < n; i++) {
    a[i * n + i] = inverseDiag[i]!;
    for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
  }
  return a;
}

/** Solves A·x = b given A's Cholesky factor L (forward, then back substitution). */
export function choleskySolve(l: Matrix, b: readonly number[]): number[] {
  const n = l.length;
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Per column: mean and population standard deviation (1 where a column is constant, so it maps to 0). */
export interface Scaler {
  means: number[];
  stds: number[];
}

export function fitScaler(rows: Matrix): Scaler {
  const p = rows[0]?.length ?? 0;
  const n = Math.max(1, rows.length);
  const means = new Array<number>(p).fill(0);
  for (const row of rows) row.forEach((v, j) => (means[j]! += v / n));
  const vars = new Array<number>(p).fill(0);
  for (const row of rows) row.forEach((v, j) => (vars[j]! += (v - means[j]!) ** 2 / n));
  return { means, stds: vars.map((v) => (v > 1e-24 ? Math.sqrt(v) : 1)) };
}

export const scaleRows = (rows: Matrix, s: Scaler): Matrix =>
  rows.map((row) => row.map((v, j) => (v - s.means[j]!) / s.stds[j]!));
