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