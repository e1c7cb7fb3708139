// Two test projects: `workers` runs inside workerd (the vitest Workers plugin) against real D1,
// Queues and the recommend Worker's built bundle; `node` runs the built edge bundle through
// Miniflare's API and checks bundle sizes. `npm test` builds first (see package.json).
import { readdirSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startMailbox } from "./test/support/mailbox.mjs";
import { assetsOptions } from "./scripts/wrangler-config.mjs";

/**
 * The recommend Worker as built by `npm run build`: its script, the pre-compiled wasm (ORT's, and
 * resvg's for the report charts) and the charts' font (a Data module).
 */
function recommendModules() {
  const dir = "dist/recommend";
  const files = readdirSync(dir);
  return [
    { type: "ESModule" as const, path: `${dir}/index.js` },
    ...files.filter((f) => f.endsWith(".wasm")).map((f) => ({ type: "CompiledWasm" as const, path: `${dir}/${f}` })),
    ...files.filter((f) => f.endsWith(".bin")).map((f) => ({ type: "Data" as const, path: `${dir}/${f}` })),
  ];
}

export const TEST_ADMIN_TOKEN = "test-admin-token-not-secret";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("schema/migrations");
  // A real SMTP server and its HTTP inbox on 127.0.0.1, for the email tests (test/support/mailbox.mjs).
  const mailbox = await startMailbox();
  // Email settings, given to both Workers as in production: the edge sends account emails, the
  // recommend Worker renders and sends the reports (and signs their unsubscribe links, which the
  // edge verifies: the same ADMIN_TOKEN fallback key on both).
  const mail = {
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    SMTP_HOST: "127.0.0.1",
    SMTP_PORT: String(mailbox.smtpPort),
    SMTP_SECURITY: "none",
    MAIL_FROM: "reports@wayfind.test",
    PUBLIC_URL: "https://wayfind.test",
  };
  const sendEmail = { send_email: [{ name: "REPORT_EMAIL" }] };
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: "functions/edge/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                // The dashboard's built files, as wrangler.toml [assets] serves them (the pool drops
                // the config's assets unless given a directory here).
                ...assetsOptions(import.meta.dirname),
                bindings: { ...mail, TEST_MIGRATIONS: migrations, MAILBOX_URL: mailbox.httpUrl },
                // Cloudflare's send_email binding, as miniflare emulates it (validates the MIME, delivers nothing).
                email: sendEmail,
                // The recommend Worker's model bucket, shared so tests can inspect the stored files.
                r2Buckets: { MODELS: "wayfind-models" },
                workers: [
                  {
                    name: "wayfind-recommend",
                    modules: recommendModules(),
                    modulesRoot: "dist/recommend",
                    compatibilityDate: "2026-11-01",
                    // The same database the test worker gets from wrangler.toml (keyed by its database_id).
                    d1Databases: { DB: "00000000-0000-0000-0000-000000000000" },
                    r2Buckets: { MODELS: "wayfind-models" },
                    bindings: mail,
                    email: sendEmail,
                  },
                ],
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["test/workers/setup.ts"],
            // A busy 2-core machine (CI runs beside other work) can triple a test's wall time.
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            // Node files start whole stacks (Miniflare, wrangler dev, Chromium): hooks get minutes, not seconds.
            testTimeout: 120_000,
            hookTimeout: 240_000,
          },
        },
      ],
    },
  };
});
