// Serving state per isolate: the active models' ORT sessions and metadata, loaded from R2 once
// and reused until the registry names another active model (then picked up on the next request,
// without a redeploy). Also a learner's signals, from the same mapping training used.
import { activeModel, loadFiles, type ModelKind, type ModelRow } from "../../jobs/recs/registry";
import { loadLearner, type LearnerKey } from "../../jobs/recs/data";
import { createSession, type ort } from "../../models/onnx/runtime";
import type { Encoder } from "../../models/propensity/features";
import type { SessionFact } from "../../models/propensity/learner";
import { ownedItems, signalsOf, type Signal } from "../../models/recs/signals";
import type { RecommendEnv } from "./env";

export interface RecommenderMeta {
  items: string[];
  users: string[];
  trending: number[];
  neighbours: { items: number[][]; weights: number[][] };
}

export interface PropensityMeta {
  encoder: Encoder;
  hidden: number;
}

export interface Loaded<Meta> {
  row: ModelRow;
  session: ort.InferenceSession;
  meta: Meta;
  itemIndex: Map<string, number>;
  userIndex: Map<string, number>;
}

const cache = new Map<string, Promise<Loaded<unknown>>>();
const retired = new Map<string, Loaded<unknown>>();

async function load<Meta>(env: RecommendEnv, row: ModelRow): Promise<Loaded<Meta>> {
  const { onnx, meta } = await loadFiles<Meta>(env, row);
  const session = await createSession(onnx);
  const m = meta as { items?: string[]; users?: string[] };
  return {
    row,
    session,
    meta,
    itemIndex: new Map((m.items ?? []).map((id, i) => [id, i])),
    userIndex: new Map((m.users ?? []).map((id, i) => [id, i])),
  };
}

/** The active model of a kind for a site, or null before the first training. */
export async function activeLoaded<Meta>(
  env: RecommendEnv,
  siteId: string,
  kind: ModelKind,
): Promise<Loaded<Meta> | null> {
  const row = await activeModel(env.DB, siteId, kind);
  if (!row) return null;
  const key = `${siteId}\u0000${kind}`;
  const cached = cache.get(key);
  if (cached) {
    const loaded = await cached.catch(() => null);
    if (loaded?.row.id === row.id) return loaded as Loaded<Meta>;
    // The replaced session may still be serving a request in this isolate, so it is freed at the
    // next replacement instead (ORT's wasm memory is not reclaimed by garbage collection).
    void retired.get(key)?.session.release();
    if (loaded) retired.set(key, loaded);
  }
  const loading = load<Meta>(env, row);
  cache.set(key, loading);
  loading.catch(() => cache.delete(key));
  return loading;
}

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
  const { key, events, sessions } = await loadLearner(env.DB, siteId, who);
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
