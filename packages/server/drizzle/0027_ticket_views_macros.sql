CREATE TABLE "ticket_bulk_items" (
	"job_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"outcome" text DEFAULT 'pending' NOT NULL,
	"error_code" text,
	"error_message" text,
	CONSTRAINT "ticket_bulk_items_job_id_ticket_id_pk" PRIMARY KEY("job_id","ticket_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_bulk_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"requested_by_id" uuid,
	"actor" jsonb NOT NULL,
	"read_all" boolean NOT NULL,
	"macro_id" uuid,
	"actions" jsonb NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"total" integer NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "ticket_macros" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"actions" jsonb NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_views" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"owner_id" uuid,
	"filter" jsonb NOT NULL,
	"sort" text DEFAULT 'newest' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_bulk_items" ADD CONSTRAINT "ticket_bulk_items_job_id_ticket_bulk_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."ticket_bulk_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_bulk_items" ADD CONSTRAINT "ticket_bulk_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_bulk_jobs" ADD CONSTRAINT "ticket_bulk_jobs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_bulk_jobs" ADD CONSTRAINT "ticket_bulk_jobs_requested_by_id_users_id_fk" FOREIGN KEY ("requested_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_bulk_jobs" ADD CONSTRAINT "ticket_bulk_jobs_macro_id_ticket_macros_id_fk" FOREIGN KEY ("macro_id") REFERENCES "public"."ticket_macros"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_macros" ADD CONSTRAINT "ticket_macros_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_macros" ADD CONSTRAINT "ticket_macros_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_views" ADD CONSTRAINT "ticket_views_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_views" ADD CONSTRAINT "ticket_views_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_bulk_items_job_idx" ON "ticket_bulk_items" USING btree ("job_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_bulk_jobs_idempotency_unique" ON "ticket_bulk_jobs" USING btree ("workspace_id","requested_by_id","idempotency_key") WHERE "ticket_bulk_jobs"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "ticket_bulk_jobs_running_idx" ON "ticket_bulk_jobs" USING btree ("updated_at") WHERE "ticket_bulk_jobs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "ticket_macros_workspace_idx" ON "ticket_macros" USING btree ("workspace_id","owner_id");--> statement-breakpoint
CREATE INDEX "ticket_views_workspace_idx" ON "ticket_views" USING btree ("workspace_id","owner_id");