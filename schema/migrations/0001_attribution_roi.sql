CREATE TABLE `costs` (
	`site_id` text NOT NULL,
	`date` text NOT NULL,
	`source` text NOT NULL,
	`medium` text NOT NULL,
	`campaign` text NOT NULL,
	`utm_id` text,
	`channel` text NOT NULL,
	`cost_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`impressions` integer,
	`clicks` integer,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `date`, `source`, `medium`, `campaign`)
);
--> statement-breakpoint
CREATE TABLE `fx_rates` (
	`site_id` text NOT NULL,
	`date` text NOT NULL,
	`currency` text NOT NULL,
	`rate` real NOT NULL,
	PRIMARY KEY(`site_id`, `currency`, `date`)
);
--> statement-breakpoint
CREATE TABLE `rollup_daily` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`dimension` text NOT NULL,
	`key` text NOT NULL,
	`sessions` integer DEFAULT 0 NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`new_customers` integer DEFAULT 0 NOT NULL,
	`revenue_minor` integer DEFAULT 0 NOT NULL,
	`refunds_minor` integer DEFAULT 0 NOT NULL,
	`attributed` text DEFAULT '{}' NOT NULL,
	`missing_fx` text,
	PRIMARY KEY(`site_id`, `dimension`, `key`, `day`)
);
--> statement-breakpoint
CREATE INDEX `rollup_site_day` ON `rollup_daily` (`site_id`,`day`);--> statement-breakpoint
CREATE TABLE `rollup_state` (
	`site_id` text PRIMARY KEY NOT NULL,
	`watermark` integer DEFAULT 0 NOT NULL,
	`markov_effects` text DEFAULT '{}' NOT NULL,
	`markov_fitted_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_site_received` ON `events` (`site_id`,`received_at`);