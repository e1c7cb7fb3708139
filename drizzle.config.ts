import { defineConfig } from "drizzle-kit";

// Migrations are generated from schema/tables.ts and schema/partner-tables.ts and applied by wrangler (`d1 migrations apply`).
export default defineConfig({
  dialect: "sqlite",
  schema: [
    "./schema/tables.ts",
    "./schema/partner-tables.ts",
    "./schema/report-tables.ts",
    "./schema/model-tables.ts",
    "./schema/account-tables.ts",
    "./schema/payment-tables.ts",
    "./schema/analytics-tables.ts",
    "./schema/experiment-tables.ts",
    "./schema/seo-tables.ts",
    "./schema/learning-tables.ts",
    "./schema/learner-tables.ts",
    "./schema/reliability-tables.ts",
  ],
  out: "./schema/migrations",
});
