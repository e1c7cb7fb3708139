CREATE TABLE `learner_segments` (
	`site_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`segment_kind` text NOT NULL,
	`segment` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `segment_kind`, `learner_id`)
);
--> statement-breakpoint
CREATE INDEX `learner_segments_site_learner` ON `learner_segments` (`site_id`,`learner_id`);