CREATE TABLE `learner_segments` (
	`site_id` text NOT NULL,
	`learner_id` text NOT NULL,
	`segment_kind` text NOT NULL,
	`segment` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `segment_kind`, `learner_id`)
);
