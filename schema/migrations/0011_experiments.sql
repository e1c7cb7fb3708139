CREATE TABLE `experiments` (
	`site_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`variants` text NOT NULL,
	`hypothesis` text,
	`primary_metric` text NOT NULL,
	`guardrails` text NOT NULL,
	`creative_field` text,
	`winner` text,
	`decision` text,
	`started_at` integer,
	`stopped_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `key`)
);
