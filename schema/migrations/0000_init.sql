CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_site` ON `api_keys` (`site_id`);--> statement-breakpoint
CREATE TABLE `bot_hits` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`agent` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `day`, `agent`)
);
--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`body` text NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `events` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`name` text,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`origin` text NOT NULL,
	`session_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`user_id` text,
	`url` text,
	`hostname` text,
	`path` text,
	`referrer` text,
	`title` text,
	`source` text NOT NULL,
	`medium` text NOT NULL,
	`campaign` text NOT NULL,
	`term` text,
	`content` text,
	`utm_id` text,
	`channel` text NOT NULL,
	`click_id_type` text,
	`click_id` text,
	`partner_code` text,
	`device` text NOT NULL,
	`browser` text,
	`os` text,
	`country` text,
	`region` text,
	`screen` text,
	`language` text,
	`engaged_ms` integer,
	`revenue_minor` integer,
	`currency` text,
	`order_id` text,
	`items` text,
	`props` text,
	`rec_id` text,
	`superseded` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `events_site_ts` ON `events` (`site_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_site_type_ts` ON `events` (`site_id`,`type`,`ts`);--> statement-breakpoint
CREATE INDEX `events_site_session` ON `events` (`site_id`,`session_id`);--> statement-breakpoint
CREATE INDEX `events_site_order` ON `events` (`site_id`,`order_id`);--> statement-breakpoint
CREATE TABLE `identities` (
	`site_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`user_id` text NOT NULL,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `visitor_id`)
);
--> statement-breakpoint
CREATE INDEX `identities_site_user` ON `identities` (`site_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `salts` (
	`day` text PRIMARY KEY NOT NULL,
	`salt` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`user_id` text,
	`started_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`source` text NOT NULL,
	`medium` text NOT NULL,
	`campaign` text NOT NULL,
	`term` text,
	`content` text,
	`channel` text NOT NULL,
	`landing_url` text,
	`landing_path` text,
	`referrer` text,
	`partner_code` text,
	`click_id_type` text,
	`click_id` text,
	`device` text NOT NULL,
	`browser` text,
	`os` text,
	`country` text,
	`region` text,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`engaged_ms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `sessions_site_started` ON `sessions` (`site_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_site_visitor_seen` ON `sessions` (`site_id`,`visitor_id`,`last_seen_at`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain` text NOT NULL,
	`public_key` text NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`retention_days` integer DEFAULT 400 NOT NULL,
	`cookie_mode` integer DEFAULT false NOT NULL,
	`respect_dnt` integer DEFAULT false NOT NULL,
	`channel_rules` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_public_key_unique` ON `sites` (`public_key`);