// What the core snippet (t.ts) hands an add-on that calls wayfind("_", plugin).
export type Track = (type: string, fields?: Record<string, unknown>) => void;
export type Store = (key: string, value?: unknown) => string | undefined | void;
export type Gate = (filter: (event: Record<string, unknown>) => unknown) => void;
export type Plugin = (track: Track, data: DOMStringMap, store: Store, gate: Gate) => void;
export type Wayfind = (command: string, ...args: unknown[]) => unknown;
