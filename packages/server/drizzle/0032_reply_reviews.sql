CREATE TABLE "reply_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"conversation_id" uuid NOT NULL,
	"ticket_id" uuid,
	"author_id" uuid,
	"author_name" text,
	"original_text" text NOT NULL,
	"edited_text" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delivery_options" jsonb,
	"ticket_status" text,
	"client_message_id" text,
	"policy_id" uuid,
	"policy_name" text NOT NULL,
	"reviewer_team_id" uuid,
	"reason" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"decided_by_id" uuid,
	"decided_by_name" text,
	"decided_at" timestamp (3) with time zone,
	"rejection_reason" text,
	"message_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reviewer_team_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_policy_id_review_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."review_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_reviewer_team_id_teams_id_fk" FOREIGN KEY ("reviewer_team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_reviews" ADD CONSTRAINT "reply_reviews_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_policies" ADD CONSTRAINT "review_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_policies" ADD CONSTRAINT "review_policies_reviewer_team_id_teams_id_fk" FOREIGN KEY ("reviewer_team_id") REFERENCES "public"."teams"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reply_reviews_queue_idx" ON "reply_reviews" USING btree ("workspace_id","status","created_at");--> statement-breakpoint
CREATE INDEX "reply_reviews_conversation_idx" ON "reply_reviews" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reply_reviews_client_message_unique" ON "reply_reviews" USING btree ("workspace_id","author_id","client_message_id") WHERE client_message_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "review_policies_workspace_name_unique" ON "review_policies" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "review_policies_workspace_position_idx" ON "review_policies" USING btree ("workspace_id","position");