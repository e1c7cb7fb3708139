// What the core snippet (t.ts) hands an add-on that calls wayfind("_", plugin).
export type Track = (type: string, fields?: Record<string, unknown>) => void;
export type Store = (key: string, value?: unknown) => string | undefined | void;
export type Gate = (filter: (event: Record<string, unknown>) => unknown) => void;
/** coreSendsRecs: 1 from a core that sends data-wayfind-rec clicks itself; absent from an older (pinned) one. */
export type Plugin = (track: Track, data: DOMStringMap, store: Store, gate: Gate, coreSendsRecs?: 1) => void;
export type Wayfind = (command: string, ...args: unknown[]) => unknown;
