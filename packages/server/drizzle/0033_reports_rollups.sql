CREATE TABLE "report_hourly" (
	"workspace_id" uuid NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"channel" text,
	"inbox_id" uuid,
	"team_id" uuid,
	"agent_id" uuid,
	"offered" bigint DEFAULT 0 NOT NULL,
	"answered" bigint DEFAULT 0 NOT NULL,
	"answer_wait_ms" bigint DEFAULT 0 NOT NULL,
	"answered_within_5" bigint DEFAULT 0 NOT NULL,
	"answered_within_10" bigint DEFAULT 0 NOT NULL,
	"answered_within_15" bigint DEFAULT 0 NOT NULL,
	"answered_within_20" bigint DEFAULT 0 NOT NULL,
	"answered_within_30" bigint DEFAULT 0 NOT NULL,
	"answered_within_45" bigint DEFAULT 0 NOT NULL,
	"answered_within_60" bigint DEFAULT 0 NOT NULL,
	"answered_within_90" bigint DEFAULT 0 NOT NULL,
	"answered_within_120" bigint DEFAULT 0 NOT NULL,
	"answered_within_180" bigint DEFAULT 0 NOT NULL,
	"answered_within_300" bigint DEFAULT 0 NOT NULL,
	"answered_within_600" bigint DEFAULT 0 NOT NULL,
	"abandoned" bigint DEFAULT 0 NOT NULL,
	"abandon_wait_ms" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_5" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_10" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_15" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_20" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_30" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_45" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_60" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_90" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_120" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_180" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_300" bigint DEFAULT 0 NOT NULL,
	"abandoned_within_600" bigint DEFAULT 0 NOT NULL,
	"first_responses" bigint DEFAULT 0 NOT NULL,
	"first_response_ms" bigint DEFAULT 0 NOT NULL,
	"responses" bigint DEFAULT 0 NOT NULL,
	"response_ms" bigint DEFAULT 0 NOT NULL,
	"resolutions" bigint DEFAULT 0 NOT NULL,
	"handled_resolutions" bigint DEFAULT 0 NOT NULL,
	"handle_ms" bigint DEFAULT 0 NOT NULL,
	"reopens" bigint DEFAULT 0 NOT NULL,
	"transfers" bigint DEFAULT 0 NOT NULL,
	"bot_conversations" bigint DEFAULT 0 NOT NULL,
	"bot_contained" bigint DEFAULT 0 NOT NULL,
	"bot_handoffs" bigint DEFAULT 0 NOT NULL,
	"sla_first_response_achieved" bigint DEFAULT 0 NOT NULL,
	"sla_first_response_breached" bigint DEFAULT 0 NOT NULL,
	"sla_next_response_achieved" bigint DEFAULT 0 NOT NULL,
	"sla_next_response_breached" bigint DEFAULT 0 NOT NULL,
	"sla_periodic_update_achieved" bigint DEFAULT 0 NOT NULL,
	"sla_periodic_update_breached" bigint DEFAULT 0 NOT NULL,
	"sla_resolution_achieved" bigint DEFAULT 0 NOT NULL,
	"sla_resolution_breached" bigint DEFAULT 0 NOT NULL,
	"csat_responses" bigint DEFAULT 0 NOT NULL,
	"csat_satisfied" bigint DEFAULT 0 NOT NULL,
	"csat_score_sum" bigint DEFAULT 0 NOT NULL,
	"tickets_created" bigint DEFAULT 0 NOT NULL,
	"tickets_solved" bigint DEFAULT 0 NOT NULL,
	"tickets_reopened" bigint DEFAULT 0 NOT NULL,
	"tickets_escalated" bigint DEFAULT 0 NOT NULL,
	"tickets_backlog_delta" bigint DEFAULT 0 NOT NULL,
	"online_ms" bigint DEFAULT 0 NOT NULL,
	"busy_ms" bigint DEFAULT 0 NOT NULL,
	"away_ms" bigint DEFAULT 0 NOT NULL,
	"occupied_ms" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup_state" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"rolled_until" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_hourly" ADD CONSTRAINT "report_hourly_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_rollup_state" ADD CONSTRAINT "report_rollup_state_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_hourly_workspace_hour_idx" ON "report_hourly" USING btree ("workspace_id","hour");--> statement-breakpoint
-- Reports read facts by workspace and time: replies and timeline events, SLA clock ends.
CREATE INDEX IF NOT EXISTS "messages_report_idx" ON "messages" ("workspace_id", "created_at") WHERE "kind" in ('out', 'event');--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sla_targets_achieved_idx" ON "sla_targets" ("workspace_id", "achieved_at") WHERE "achieved_at" is not null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "sla_targets_breached_idx" ON "sla_targets" ("workspace_id", "breached_at") WHERE "breached_at" is not null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "routing_events_report_idx" ON "routing_events" ("conversation_id", "type", "id");
