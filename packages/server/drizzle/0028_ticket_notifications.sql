CREATE TABLE "ticket_notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"event" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"to_address" text NOT NULL,
	"locale" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_notification_templates" (
	"workspace_id" uuid NOT NULL,
	"event" text NOT NULL,
	"enabled" boolean NOT NULL,
	"templates" jsonb NOT NULL,
	"updated_by_id" uuid,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_notification_templates_workspace_id_event_pk" PRIMARY KEY("workspace_id","event")
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "csat_rating" smallint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "csat_comment" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "csat_rated_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "ticket_notification_deliveries" ADD CONSTRAINT "ticket_notification_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_notification_deliveries" ADD CONSTRAINT "ticket_notification_deliveries_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_notification_templates" ADD CONSTRAINT "ticket_notification_templates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_notification_templates" ADD CONSTRAINT "ticket_notification_templates_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_notification_deliveries_key_unique" ON "ticket_notification_deliveries" USING btree ("workspace_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "ticket_notification_deliveries_ticket_idx" ON "ticket_notification_deliveries" USING btree ("ticket_id");