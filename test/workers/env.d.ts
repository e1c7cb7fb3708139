import type { D1Migration } from "cloudflare:test";
import type { EdgeEnv } from "../../core/env";

declare global {
  namespace Cloudflare {
    interface Env extends EdgeEnv {
      TEST_MIGRATIONS: D1Migration[];
      ADMIN_TOKEN: string;
      /** The test mailbox's HTTP API (test/support/mailbox.mjs). */
      MAILBOX_URL: string;
      /** The recommend Worker's model bucket (bound here too, to inspect stored files). */
      MODELS: R2Bucket;
    }
  }
}
