ALTER TABLE "teams" ADD COLUMN "overflow_team_id" uuid;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "overflow_after_seconds" integer;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "sticky_hours" integer DEFAULT 72 NOT NULL;