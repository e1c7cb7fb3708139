// Experiment assignment: the one definition the snippet (functions/snippet/t.ts, bundled by
// esbuild) and the server (/api/v1/experiments/{key}/assign) both import, so a visitor or user
// gets the same variant in the browser and from an app's back end. Kept tiny for the snippet.

/** A uniform number in [0, 1) from the experiment key and the unit (user or visitor id): FNV-1a, then murmur3's finaliser. */
export const assignBucket = (key: string, unit: string): number => {
  const s = key + "|" + unit;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x1000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
};

/** The index of the variant whose cumulative weight first exceeds the unit's bucket. */
export const assignVariant = (key: string, unit: string, weights: number[]): number => {
  let x = assignBucket(key, unit);
  let i = 0;
  while (i < weights.length - 1 && (x -= weights[i]!) >= 0) i++;
  return i;
};

/** The custom event an exposure is recorded as (props: experiment, variant), once per session. */
export const EXPOSURE_EVENT = "Experiment Exposure";

/**
 * What an experiment that is not running serves to everyone, without an exposure: a stopped one its
 * winner (else its control), a draft its control. Null while running (each unit gets its hashed variant).
 * The /assign endpoint and the add-on's per-site statuses (/t/experiments.js?site=KEY) both use it.
 */
export const servedVariant = (status: string, control: string, winner: string | null): string | null =>
  status === "running" ? null : status === "stopped" ? (winner ?? control) : control;
