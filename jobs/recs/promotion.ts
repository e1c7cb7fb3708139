// Registering a freshly trained model and the promotion rule: a faithful export, and a holdout
// metric at least the active model's. Anything else is kept in the registry as rejected.
import {
  activeModel,
  promote,
  pruneModels,
  saveModel,
  setStatus,
  type ModelKind,
  type ModelRow,
  type RegistryEnv,
} from "./registry";
import type { ModelMetrics } from "../../schema/model-tables";
import { EXPORT_TOLERANCE } from "./verify";

export interface RetrainOutcome {
  kind: ModelKind;
  model: ModelRow | null;
  promoted: boolean;
  reason: string;
}

export interface Candidate {
  siteId: string;
  kind: ModelKind;
  /** The training window. */
  from: number;
  now: number;
  /** `value` is the holdout metric promotion compares (null: no holdout). */
  metrics: ModelMetrics & { export_max_abs_diff: number };
  onnx: Uint8Array;
  meta: unknown;
}

export async function registerCandidate(env: RegistryEnv, c: Candidate): Promise<RetrainOutcome> {
  const row = await saveModel(
    env,
    {
      siteId: c.siteId,
      id: `${c.kind}-${c.now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
      kind: c.kind,
      status: "candidate",
      dataFrom: c.from,
      dataTo: c.now,
      metrics: c.metrics,
      createdAt: c.now,
      note: null,
    },
    { onnx: c.onnx, meta: c.meta },
  );
  const outcome = await decide(env, row, c.metrics.value, c.metrics.export_max_abs_diff, c.now);
  await pruneModels(env, c.siteId, c.kind);
  return outcome;
}

/** The promotion rule: a faithful export, and a holdout metric at least the active model's. */
async function decide(
  env: RegistryEnv,
  row: ModelRow,
  value: number | null,
  exportDiff: number,
  now: number,
): Promise<RetrainOutcome> {
  const kind = row.kind;
  const reject = async (reason: string): Promise<RetrainOutcome> => {
    await setStatus(env.DB, row.siteId, row.id, "rejected", reason);
    return { kind, model: { ...row, status: "rejected", note: reason }, promoted: false, reason };
  };
  if (!(exportDiff <= EXPORT_TOLERANCE)) return reject(`ONNX export differs from tfjs by ${exportDiff}`);
  const active = await activeModel(env.DB, row.siteId, kind);
  const activeValue = active ? active.metrics.value : null;
  if (active && activeValue !== null) {
    if (value === null) return reject("no holdout to compare with the active model");
    if (value < activeValue)
      return reject(`holdout ${value.toFixed(4)} below the active model's ${activeValue.toFixed(4)}`);
  }
  await promote(env.DB, row.siteId, row.id, now);
  const reason = active ? `holdout ${value?.toFixed(4)} >= active ${activeValue?.toFixed(4) ?? "n/a"}` : "first model";
  return { kind, model: { ...row, status: "active", promotedAt: now }, promoted: true, reason };
}
