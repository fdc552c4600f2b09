CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"targets" jsonb NOT NULL,
	"calendar_id" uuid,
	"warn_before_minutes" integer DEFAULT 15 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"origin" text NOT NULL,
	"policy_id" uuid,
	"policy_name" text NOT NULL,
	"calendar_id" uuid,
	"business_time" boolean NOT NULL,
	"target_minutes" integer NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"warn_at" timestamp (3) with time zone,
	"warned_at" timestamp (3) with time zone,
	"achieved_at" timestamp (3) with time zone,
	"breached_at" timestamp (3) with time zone,
	"paused_at" timestamp (3) with time zone,
	"reason" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD CONSTRAINT "sla_targets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD CONSTRAINT "sla_targets_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_targets" ADD CONSTRAINT "sla_targets_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_workspace_name_unique" ON "sla_policies" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "sla_policies_workspace_position_idx" ON "sla_policies" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_targets_origin_unique" ON "sla_targets" USING btree ("subject_type","subject_id","metric","origin");--> statement-breakpoint
CREATE INDEX "sla_targets_subject_idx" ON "sla_targets" USING btree ("subject_type","subject_id");--> statement-breakpoint
CREATE INDEX "sla_targets_due_idx" ON "sla_targets" USING btree ("due_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "sla_targets_warn_idx" ON "sla_targets" USING btree ("warn_at") WHERE status = 'active' and warned_at is null;