// tfjs on its pure-JavaScript cpu backend: the same code trains in Node (`npm run train`, the
// eval scripts) and in the recommend Worker. No tfjs-node, no WebGL, no wasm backend (it cannot
// train embeddings, see ../shared/notes/stack.md).
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
// tfjs-core alone has no gradients: this registers them (what @tensorflow/tfjs does on import).
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import type { KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";

interface CpuBackend {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): TensorInfo;
}

/**
 * UnsortedSegmentSum is the gradient of Gather, so every embedding lookup needs it. The cpu
 * backend's version loops over all segments with a full pass each (O(segments x batch x dim)):
 * about 22 s per step with 2,000 items. This one scatters each row once: O(batch x dim).
 */
const scatterAddSegments: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as unknown as CpuBackend;
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const width = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const values = cpu.data.get(x.dataId).values;
  const ids = cpu.data.get(segmentIds.dataId).values;
  const out = new Float32Array(numSegments * width);
  for (let r = 0; r < rows; r++) {
    const segment = ids[r]!;
    if (segment < 0 || segment >= numSegments) continue; // TensorFlow drops out-of-range ids too
    const from = r * width;
    const to = segment * width;
    for (let k = 0; k < width; k++) out[to + k]! += values[from + k]!;
  }
  return cpu.makeTensorInfo([numSegments, ...x.shape.slice(segmentIds.shape.length)], "float32", out);
};

let ready: Promise<typeof tf> | undefined;

/** tfjs with the cpu backend selected and the fast segment-sum kernel in place. */
export function tensorflow(): Promise<typeof tf> {
  ready ??= (async () => {
    tf.unregisterKernel("UnsortedSegmentSum", "cpu");
    tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName: "cpu", kernelFunc: scatterAddSegments });
    // Production mode: no per-op NaN checks, and no console advice to install tfjs-node.
    tf.enableProdMode();
    await tf.setBackend("cpu");
    await tf.ready();
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;
