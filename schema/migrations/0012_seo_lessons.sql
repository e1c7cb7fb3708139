CREATE TABLE `keyword_research` (
	`site_id` text NOT NULL,
	`keyword` text NOT NULL,
	`volume` integer NOT NULL,
	`difficulty` real NOT NULL,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `keyword`)
);
--> statement-breakpoint
CREATE TABLE `search_performance` (
	`site_id` text NOT NULL,
	`source` text NOT NULL,
	`dims` text NOT NULL,
	`date` text NOT NULL,
	`query` text DEFAULT '' NOT NULL,
	`page` text DEFAULT '' NOT NULL,
	`country` text DEFAULT '' NOT NULL,
	`device` text DEFAULT '' NOT NULL,
	`clicks` integer NOT NULL,
	`impressions` integer NOT NULL,
	`position` real NOT NULL,
	`imported_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `source`, `dims`, `date`, `query`, `page`, `country`, `device`)
);
--> statement-breakpoint
CREATE TABLE `seo_audit_findings` (
	`site_id` text NOT NULL,
	`url` text NOT NULL,
	`seq` integer NOT NULL,
	`check` text NOT NULL,
	`severity` text NOT NULL,
	`message` text NOT NULL,
	`audited_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `url`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `seo_pages` (
	`site_id` text NOT NULL,
	`path` text NOT NULL,
	`url` text NOT NULL,
	`title` text NOT NULL,
	`h1` text NOT NULL,
	`description` text NOT NULL,
	`words` integer NOT NULL,
	`links_in` integer NOT NULL,
	`structured_data` integer NOT NULL,
	`audited_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `path`)
);
--> statement-breakpoint
CREATE TABLE `lessons` (
	`site_id` text NOT NULL,
	`course_id` text NOT NULL,
	`id` text NOT NULL,
	`module_id` text NOT NULL,
	`module_title` text NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`type` text NOT NULL,
	`duration_seconds` integer,
	`content_updated_at` integer NOT NULL,
	`stored_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `course_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `lessons_site_course_position` ON `lessons` (`site_id`,`course_id`,`position`);