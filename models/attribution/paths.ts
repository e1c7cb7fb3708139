// Conversion paths in ChannelAttribution's shape: an ordered list of channels, how many times it
// ended in a conversion (and for how much value), and how many times it ended without one.

export interface ConversionPath {
  channels: string[];
  conversions: number;
  value: number;
  nulls: number;
  /** Days between each touchpoint and the conversion (same length as channels), for time decay. */
  daysBefore?: number[];
}

export const MODEL_NAMES = [
  "first_touch",
  "last_touch",
  "last_non_direct",
  "linear",
  "time_decay",
  "position_based",
  "markov",
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Channels GA4 and Umami skip for last non-direct click. */
export const DIRECT_CHANNELS = new Set(["Direct", "(direct)", "direct"]);

/** "a > b > c" -> ["a", "b", "c"]; empty steps are dropped. */
export function parsePath(path: string): string[] {
  return path
    .split(">")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** ChannelAttribution collapses repeated consecutive channels before building the Markov chain. */
export function collapseRepeats(channels: readonly string[]): string[] {
  return channels.filter((c, i) => i === 0 || c !== channels[i - 1]);
}
