// Serving state per isolate: the active models' ORT sessions and metadata, loaded from R2 once
// and reused until the registry names another active model (then picked up on the next request,
// without a redeploy). Without an active model, serving falls back to the baseline: the newest
// retrain's item-kNN neighbours and trending list (no ORT), and for propensity its base rate.
// Also a learner's signals, from the same mapping training used.
import { siteDatabase } from "../../schema/databases";
import {
  activeModel,
  latestModel,
  loadFiles,
  type ModelKind,
  type ModelRow,
  type RecommenderMeta,
} from "../../jobs/recs/registry";
import { loadLearner, type LearnerKey } from "../../jobs/recs/data";
import { createSession, type ort } from "../../models/onnx/runtime";
import type { Encoder } from "../../models/propensity/features";
import type { SessionFact } from "../../models/propensity/learner";
import { ownedItems, signalsOf, type Signal } from "../../models/recs/signals";
import type { RecommendEnv } from "./env";

export type { RecommenderMeta };

export interface PropensityMeta {
  encoder: Encoder;
  hidden: number;
}

export interface Loaded<Meta> {
  row: ModelRow;
  /** null: served without ORT (item-kNN and popularity recommenders, and every baseline). */
  session: ort.InferenceSession | null;
  meta: Meta;
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
}

/** What answers a request: the active model, or (baseline) the newest retrain's baseline data. */
export type Served<Meta> = { baseline: false; model: Loaded<Meta> } | { baseline: true; model: Loaded<Meta> | null };

const cache = new Map<string, Promise<Loaded<unknown>>>();
const retired = new Map<string, Loaded<unknown>>();

/** Recommenders chosen as MF or EASE are scored by their ONNX graph; item-kNN and popularity are not. */
function needsSession(kind: ModelKind, meta: unknown): boolean {
  if (kind === "propensity" || kind === "dropout") return true;
  const algorithm = (meta as Partial<RecommenderMeta>).algorithm ?? "mf"; // meta written before selection
  return algorithm === "mf" || algorithm === "ease";
}

async function load<Meta>(env: RecommendEnv, row: ModelRow, withSession: boolean): Promise<Loaded<Meta>> {
  const { onnx, meta } = await loadFiles<Meta>(env, row, { onnx: withSession });
  const wanted = withSession && needsSession(row.kind, meta);
  if (wanted && !onnx) throw new Error(`model.onnx missing in R2 for ${row.id}`);
  const session = wanted ? await createSession(onnx!) : null;
  const m = meta as { items?: string[]; users?: string[] };
  return {
    row,
    session,
    meta,
    itemIndex: new Map((m.items ?? []).map((id, i) => [id, i])),
    userIndex: new Map((m.users ?? []).map((id, i) => [id, i])),
  };
}

/** The loaded form of `row`, cached under `key` until another row takes that key's place. */
async function cachedLoad<Meta>(env: RecommendEnv, key: string, row: ModelRow, withSession: boolean) {
  const cached = cache.get(key);
  if (cached) {
    const loaded = await cached.catch(() => null);
    if (loaded?.row.id === row.id) return loaded as Loaded<Meta>;
    // The replaced session may still be serving a request in this isolate, so it is freed at the
    // next replacement instead (ORT's wasm memory is not reclaimed by garbage collection).
    void retired.get(key)?.session?.release();
    if (loaded) retired.set(key, loaded);
  }
  const loading = load<Meta>(env, row, withSession);
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}

/** The active model of a kind for a site, or null when none has been promoted. */
export async function activeLoaded<Meta>(
  env: RecommendEnv,
  siteId: string,
  kind: ModelKind,
): Promise<Loaded<Meta> | null> {
  const row = await activeModel(siteDatabase(env, siteId), siteId, kind);
  return row ? cachedLoad<Meta>(env, `${siteId}\u0000${kind}`, row, true) : null;
}

/**
 * The active model, or the baseline while no model has earned promotion: the newest model row's
 * files, read for their baseline data only (null: nothing trained yet).
 */
export async function served<Meta>(env: RecommendEnv, siteId: string, kind: ModelKind): Promise<Served<Meta>> {
  const active = await activeLoaded<Meta>(env, siteId, kind);
  if (active) return { baseline: false, model: active };
  const latest = await latestModel(siteDatabase(env, siteId), siteId, kind);
  const model = latest ? await cachedLoad<Meta>(env, `${siteId}\u0000${kind}\u0000baseline`, latest, false) : null;
  return { baseline: true, model };
}

/** The baseline's purchase probability: the share of decision points that ended in a purchase. */
export function baseRate(row: ModelRow): number {
  const m = row.metrics as { examples?: number; positives?: number };
  return m.examples ? (m.positives ?? 0) / m.examples : 0;
}

/** The `model` field of a response: the model version, or "baseline". */
export const modelRef = (s: Served<unknown>) =>
  s.baseline ? ("baseline" as const) : { id: s.model.row.id, version: s.model.row.version };

export interface Learner {
  key: string;
  signals: Signal[];
  sessions: SessionFact[];
  owned: Set<string>;
  /** Items with positive interest, most recent first. */
  liked: string[];
  known: boolean;
}

export async function learnerOf(env: RecommendEnv, siteId: string, who: LearnerKey): Promise<Learner> {
  const { key, events, sessions } = await loadLearner(siteDatabase(env, siteId), siteId, who);
  const signals = signalsOf(events);
  const totals = new Map<string, { weight: number; ts: number }>();
  for (const s of signals) {
    const t = totals.get(s.item) ?? { weight: 0, ts: 0 };
    t.weight += s.weight;
    t.ts = Math.max(t.ts, s.ts);
    totals.set(s.item, t);
  }
  const liked = [...totals]
    .filter(([, t]) => t.weight > 0)
    .sort((a, b) => b[1].ts - a[1].ts)
    .map(([item]) => item);
  return {
    key,
    signals,
    sessions,
    owned: ownedItems(signals),
    liked,
    known: events.length > 0 || sessions.length > 0,
  };
}
