CREATE TABLE `bot_hit_receipts` (
	`site_id` text NOT NULL,
	`message_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `message_id`)
);
--> statement-breakpoint
CREATE TABLE `manual_runs` (
	`site_id` text NOT NULL,
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text,
	PRIMARY KEY(`site_id`, `kind`, `id`)
);
