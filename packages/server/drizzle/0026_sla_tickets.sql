ALTER TABLE "sla_policies" ADD COLUMN "pause_statuses" text[] DEFAULT '{pending,on_hold}' NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD COLUMN "anchor_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD COLUMN "consumed_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "sla_targets_open_subject_due_idx" ON "sla_targets" USING btree ("subject_type","subject_id","due_at") WHERE status in ('active', 'paused') or (status = 'breached' and achieved_at is null);