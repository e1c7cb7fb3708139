export interface Cron {
  expr: string;
  stepMs: number;
  matches(ms: number): boolean;
  next(from: number): number | null;
}
export declare const WRANGLER_CONFIGS: string[];
export declare function parseCron(expr: string): Cron;
export declare function nextRun(cron: Cron, from?: number): number | null;
export declare function readCrons(configs?: string[]): Promise<{ worker: string; cron: string }[]>;
export declare function schedule(
  crons: { worker: string; cron: string }[],
  overrides?: Record<string, string>,
): { worker: string; cron: string; timing: Cron }[];
export declare function fireCron(url: string, worker: string, cron: string, scheduledTime?: number): Promise<string>;
export declare function startScheduler(o: {
  url: string;
  jobs: { worker: string; cron: string; timing: Cron }[];
  log?: (line: string) => void;
}): { stop(): void; idle(): Promise<unknown> };
