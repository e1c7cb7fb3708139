CREATE TABLE `at_risk_flags` (
	`site_id` text NOT NULL,
	`user` text NOT NULL,
	`period` text NOT NULL,
	`probability` real NOT NULL,
	`last_activity_at` integer NOT NULL,
	`flagged_at` integer NOT NULL,
	`reasons` text NOT NULL,
	`outcome` text,
	`came_back_at` integer,
	`resolved_at` integer,
	PRIMARY KEY(`site_id`, `user`, `period`)
);
--> statement-breakpoint
CREATE INDEX `at_risk_flags_open` ON `at_risk_flags` (`site_id`,`outcome`,`flagged_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event` text NOT NULL,
	`subject` text NOT NULL,
	`period` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_once` ON `webhook_deliveries` (`endpoint_id`,`event`,`subject`,`period`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`sealed_secret` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
