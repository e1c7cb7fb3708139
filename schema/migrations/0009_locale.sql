ALTER TABLE `sites` ADD `locale` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `language` text;--> statement-breakpoint
ALTER TABLE `report_subscriptions` ADD `language` text;