CREATE TABLE `goals` (
	`site_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `id`)
);
--> statement-breakpoint
CREATE TABLE `learner_scores` (
	`site_id` text NOT NULL,
	`segment_kind` text NOT NULL,
	`learner_id` text NOT NULL,
	`scores` text NOT NULL,
	PRIMARY KEY(`site_id`, `segment_kind`, `learner_id`)
);
--> statement-breakpoint
CREATE TABLE `learner_segments` (
	`site_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`segment_kind` text NOT NULL,
	`segment` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `segment_kind`, `learner_id`)
);
--> statement-breakpoint
CREATE INDEX `learner_segments_site_learner` ON `learner_segments` (`site_id`,`learner_id`);--> statement-breakpoint
CREATE TABLE `segment_reports` (
	`site_id` text NOT NULL,
	`segment_kind` text NOT NULL,
	`computed_at` integer NOT NULL,
	`report` text NOT NULL,
	PRIMARY KEY(`site_id`, `segment_kind`)
);
