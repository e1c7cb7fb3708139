CREATE TABLE `commission_rules` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`partner_id` text,
	`partner_group` text,
	`basis` text NOT NULL,
	`level` integer DEFAULT 1 NOT NULL,
	`kind` text NOT NULL,
	`rate_bps` integer,
	`flat_minor` integer,
	`item_id` text,
	`category` text,
	`tiers` text DEFAULT '[]' NOT NULL,
	`recurring_months` integer,
	`holding_days` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `items` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`category` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`price_minor` integer,
	`currency` text,
	`creator_partner_id` text,
	`published` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `partner_clicks` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`partner_id` text NOT NULL,
	`code` text NOT NULL,
	`ts` integer NOT NULL,
	`visitor_id` text NOT NULL,
	`referrer_host` text,
	`country` text,
	`device` text NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `partner_clicks_site_partner_ts` ON `partner_clicks` (`site_id`,`partner_id`,`ts`);--> statement-breakpoint
CREATE TABLE `partner_commissions` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`partner_id` text NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`parent_id` text,
	`rule_id` text,
	`learner` text NOT NULL,
	`purchase_event_id` text,
	`purchase_ts` integer NOT NULL,
	`day` text NOT NULL,
	`base_minor` integer NOT NULL,
	`gross_amount_minor` integer NOT NULL,
	`amount_minor` integer NOT NULL,
	`refunded_ppm` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`hold_until` integer NOT NULL,
	`payout_id` text,
	`channel` text,
	`source` text,
	`campaign` text,
	`partner_code` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `commissions_site_order` ON `partner_commissions` (`site_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `commissions_site_partner_status` ON `partner_commissions` (`site_id`,`partner_id`,`status`);--> statement-breakpoint
CREATE INDEX `commissions_site_day` ON `partner_commissions` (`site_id`,`day`);--> statement-breakpoint
CREATE INDEX `commissions_site_payout` ON `partner_commissions` (`site_id`,`payout_id`);--> statement-breakpoint
CREATE INDEX `commissions_status_hold` ON `partner_commissions` (`status`,`hold_until`);--> statement-breakpoint
CREATE TABLE `partner_links` (
	`code` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`partner_id` text NOT NULL,
	`target_url` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `partner_links_site_partner` ON `partner_links` (`site_id`,`partner_id`);--> statement-breakpoint
CREATE TABLE `partner_programs` (
	`site_id` text PRIMARY KEY NOT NULL,
	`binding` text DEFAULT 'last' NOT NULL,
	`binding_days` integer DEFAULT 365 NOT NULL,
	`cookie_days` integer DEFAULT 30 NOT NULL,
	`levels` integer DEFAULT 1 NOT NULL,
	`holding_days` integer DEFAULT 30 NOT NULL,
	`payout_minimum_minor` integer DEFAULT 0 NOT NULL,
	`score_weights` text DEFAULT '{}' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `partners` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`status` text NOT NULL,
	`parent_id` text,
	`group_name` text,
	`user_id` text,
	`code` text NOT NULL,
	`ratings` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `partners_site_parent` ON `partners` (`site_id`,`parent_id`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`partner_id` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`commissions` integer NOT NULL,
	`status` text NOT NULL,
	`reference` text,
	`created_at` integer NOT NULL,
	`paid_at` integer,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `payouts_site_partner` ON `payouts` (`site_id`,`partner_id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `partner_id` text;