ALTER TABLE `sites` ADD `lookback_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `sites` ADD `half_life_days` real DEFAULT 7 NOT NULL;