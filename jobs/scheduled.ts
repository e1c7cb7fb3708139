// Cron entry: dispatches on the cron expression (wrangler.toml [triggers]).
import type { EdgeEnv } from "../functions/lib/env";
import { pruneRetention } from "./retention";

export const DAILY_CRON = "17 3 * * *";

export async function handleScheduled(controller: ScheduledController, env: EdgeEnv): Promise<void> {
  if (controller.cron === DAILY_CRON) await pruneRetention(env.DB, controller.scheduledTime);
}
