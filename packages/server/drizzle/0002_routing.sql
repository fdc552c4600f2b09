CREATE TABLE "agent_capacities" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"capacity" integer NOT NULL,
	CONSTRAINT "agent_capacities_workspace_id_user_id_channel_pk" PRIMARY KEY("workspace_id","user_id","channel")
);
--> statement-breakpoint
CREATE TABLE "agent_states" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" text DEFAULT 'offline' NOT NULL,
	"status_since" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_assigned_at" timestamp (3) with time zone,
	CONSTRAINT "agent_states_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "routing_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"type" text NOT NULL,
	"conversation_id" uuid,
	"user_id" uuid,
	"team_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "proficiency" smallint DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "algorithm" text DEFAULT 'least_busy' NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "round_robin_last_user_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "queue_priority" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "queued_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "agent_capacities" ADD CONSTRAINT "agent_capacities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_capacities" ADD CONSTRAINT "agent_capacities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_states" ADD CONSTRAINT "agent_states_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_states" ADD CONSTRAINT "agent_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_events" ADD CONSTRAINT "routing_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "routing_events_workspace_idx" ON "routing_events" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "routing_events_conversation_idx" ON "routing_events" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "conversations_queue_idx" ON "conversations" USING btree ("workspace_id","queue_priority","queued_at") WHERE state = 'queued' and assignee_id is null;