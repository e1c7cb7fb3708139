// The Workers' wrangler configs, parsed by wrangler itself. Scripts read queue names and settings
// from them rather than repeating them (core/queue.ts names them for the code, and
// test/node/config.test.ts checks the two agree).
import { resolve } from "node:path";
import { experimental_readRawConfig } from "wrangler";

export function readWranglerConfig(root, file = "wrangler.toml") {
  return experimental_readRawConfig({ config: resolve(root, file) }).rawConfig;
}

/**
 * A Worker's config to run from another directory: `vars` added to its own (a user's
 * SITE_DATABASES stays), `main` and every database's `migrations_dir` made absolute.
 */
export function devConfig(config, root, vars) {
  const absolute = (d) => (d.migrations_dir ? { ...d, migrations_dir: resolve(root, d.migrations_dir) } : d);
  return {
    ...config,
    ...(config.main && { main: resolve(root, config.main) }),
    ...(config.d1_databases && { d1_databases: config.d1_databases.map(absolute) }),
    vars: { ...config.vars, ...vars },
  };
}

/** The edge Worker's D1 bindings: DB, then any per-site database (README "Many sites"). */
export function d1Bindings(root) {
  return (readWranglerConfig(root).d1_databases ?? []).map((d) => d.binding);
}

/** Every queue the edge Worker produces to or consumes from. */
export function queueNames(root) {
  const { producers = [], consumers = [] } = readWranglerConfig(root).queues ?? {};
  return [...new Set([...producers.map((p) => p.queue), ...consumers.map((c) => c.queue)])];
}

/** The edge Worker's queues in Miniflare's (v4) option shape. */
export function queueOptions(root) {
  const { producers = [], consumers = [] } = readWranglerConfig(root).queues ?? {};
  const defined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    queueProducers: Object.fromEntries(producers.map((p) => [p.binding, p.queue])),
    queueConsumers: Object.fromEntries(
      consumers.map((c) => [
        c.queue,
        defined({
          maxBatchSize: c.max_batch_size,
          maxBatchTimeout: c.max_batch_timeout,
          maxRetries: c.max_retries,
          deadLetterQueue: c.dead_letter_queue,
          retryDelay: c.retry_delay,
        }),
      ]),
    ),
  };
}

/**
 * The edge Worker's static assets (the dashboard) in Miniflare's (v4) option shape, as wrangler.toml
 * [assets] declares them: the same directory, run_worker_first paths and not-found handling.
 */
export function assetsOptions(root) {
  const assets = readWranglerConfig(root).assets;
  if (!assets) return {};
  return {
    assets: {
      directory: resolve(root, assets.directory),
      binding: assets.binding,
      run_worker_first: assets.run_worker_first,
      routerConfig: { has_user_worker: true },
      assetConfig: { not_found_handling: assets.not_found_handling, html_handling: assets.html_handling },
    },
  };
}
