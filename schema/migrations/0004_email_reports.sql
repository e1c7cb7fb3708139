CREATE TABLE `alert_rules` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text,
	`threshold` real DEFAULT 0 NOT NULL,
	`window_days` integer DEFAULT 7 NOT NULL,
	`recipients` text NOT NULL,
	`timezone` text NOT NULL,
	`model` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `mail_sends` (
	`site_id` text NOT NULL,
	`list_id` text NOT NULL,
	`period` text NOT NULL,
	`recipient` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`claimed_at` integer NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`message_id` text,
	`sent_at` integer,
	PRIMARY KEY(`site_id`, `list_id`, `period`, `recipient`)
);
--> statement-breakpoint
CREATE INDEX `mail_sends_status_next` ON `mail_sends` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `mail_unsubscribes` (
	`site_id` text NOT NULL,
	`list_id` text NOT NULL,
	`email` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `list_id`, `email`)
);
--> statement-breakpoint
CREATE TABLE `report_subscriptions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`recipients` text NOT NULL,
	`frequency` text NOT NULL,
	`weekday` integer,
	`hour` integer NOT NULL,
	`timezone` text NOT NULL,
	`model` text NOT NULL,
	`sections` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
