/** The parts of a wrangler config the scripts and tests read (wrangler's own types are not shipped). */
export interface WranglerConfig {
  name?: string;
  main?: string;
  vars?: Record<string, string>;
  triggers?: { crons?: string[] };
  assets?: {
    directory: string;
    binding?: string;
    not_found_handling?: "none" | "single-page-application" | "404-page";
    html_handling?: string;
    run_worker_first?: boolean | string[];
  };
  d1_databases?: { binding: string; database_name?: string; migrations_dir?: string }[];
  queues?: {
    producers?: { binding: string; queue: string }[];
    consumers?: {
      queue: string;
      max_batch_size?: number;
      max_batch_timeout?: number;
      max_retries?: number;
      dead_letter_queue?: string;
      retry_delay?: number;
    }[];
  };
}
export declare function readWranglerConfig(root: string, file?: string): WranglerConfig;
export declare function d1Bindings(root: string): string[];
export declare function devConfig(config: WranglerConfig, root: string, vars: Record<string, string>): WranglerConfig;
export declare function queueNames(root: string): string[];
export declare function queueOptions(root: string): {
  queueProducers: Record<string, string>;
  queueConsumers: Record<
    string,
    {
      maxBatchSize?: number;
      maxBatchTimeout?: number;
      maxRetries?: number;
      deadLetterQueue?: string;
      retryDelay?: number;
    }
  >;
};
export declare function assetsOptions(root: string): {
  assets?: {
    directory: string;
    binding?: string;
    run_worker_first?: boolean | string[];
    routerConfig: { has_user_worker: boolean };
    assetConfig: { not_found_handling?: string; html_handling?: string };
  };
};
