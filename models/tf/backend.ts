// tfjs on its pure-JavaScript cpu backend: the same code trains in Node (the eval scripts, the
// benchmarks) and in the recommend Worker. No tfjs-node, no WebGL, no wasm backend (it cannot
// compute embedding gradients, see ../shared/notes/stack.md).
//
// Embedding tables are not tf.Variables: BPR gathers a batch's rows itself, tfjs differentiates
// the loss with respect to those rows, and SparseAdam updates them (models/recs/sparse-adam.ts).
// So the cpu backend's UnsortedSegmentSum, the gradient of Gather that loops over every table
// row, never runs.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core alone has no gradients: this registers them (what @tensorflow/tfjs does on import).
import "@tensorflow/tfjs-core/dist/register_all_gradients";

let ready: Promise<typeof tf> | undefined;

/** tfjs with the cpu backend selected. */
export function tensorflow(): Promise<typeof tf> {
  ready ??= (async () => {
    // Production mode: no per-op NaN checks, and no console advice to install tfjs-node.
    tf.enableProdMode();
    await tf.setBackend("cpu");
    await tf.ready();
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;
