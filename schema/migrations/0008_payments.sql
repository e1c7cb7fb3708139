CREATE TABLE `payment_notifications` (
	`site_id` text NOT NULL,
	`provider` text NOT NULL,
	`notification_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `provider`, `notification_id`)
);
--> statement-breakpoint
CREATE TABLE `payment_providers` (
	`site_id` text NOT NULL,
	`provider` text NOT NULL,
	`token_hash` text NOT NULL,
	`sealed` text NOT NULL,
	`account` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `provider`),
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_providers_token_hash_unique` ON `payment_providers` (`token_hash`);--> statement-breakpoint
CREATE TABLE `payment_refs` (
	`site_id` text NOT NULL,
	`provider` text NOT NULL,
	`ref` text NOT NULL,
	`order_id` text,
	`user_id` text,
	`visitor_id` text,
	`currency` text,
	`purchase_event_id` text,
	`refunded_minor` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `provider`, `ref`)
);
--> statement-breakpoint
CREATE TABLE `payment_webhook_counts` (
	`site_id` text NOT NULL,
	`provider` text NOT NULL,
	`outcome` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`last_at` integer NOT NULL,
	`last_message` text,
	PRIMARY KEY(`site_id`, `provider`, `outcome`)
);
