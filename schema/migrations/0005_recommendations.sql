CREATE TABLE `models` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`data_from` integer NOT NULL,
	`data_to` integer NOT NULL,
	`metrics` text NOT NULL,
	`r2_key` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`promoted_at` integer,
	`note` text,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `models_site_kind_status` ON `models` (`site_id`,`kind`,`status`);--> statement-breakpoint
CREATE TABLE `rec_impressions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`model_id` text,
	`endpoint` text NOT NULL,
	`user_key` text,
	`items` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `rec_impressions_site_created` ON `rec_impressions` (`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `events_site_user_ts` ON `events` (`site_id`,`user_id`,`ts`) WHERE user_id IS NOT NULL;