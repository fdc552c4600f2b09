CREATE TABLE "wechat_accounts" (
	"inbox_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"app_id" text NOT NULL,
	"open_kfid" text,
	"mode" text DEFAULT 'safe' NOT NULL,
	"secrets" jsonb NOT NULL,
	"welcome_text" text,
	"menu_topics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"quota_per_window" integer DEFAULT 5 NOT NULL,
	"sync_cursor" text,
	"sync_token" text,
	"pull_requested_at" timestamp (3) with time zone,
	"last_inbound_at" timestamp (3) with time zone,
	"last_error" text,
	"last_error_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_call_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"operation" text NOT NULL,
	"ok" boolean NOT NULL,
	"errcode" integer,
	"detail" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_followers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"open_id" text NOT NULL,
	"union_id" text,
	"customer_id" uuid NOT NULL,
	"subscribed" boolean DEFAULT true NOT NULL,
	"scene" text,
	"last_interaction_at" timestamp (3) with time zone,
	"sent_since_interaction" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_outbound_claims" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"via" text NOT NULL,
	"trigger_message_id" uuid,
	"sent_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_passive_windows" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"trigger_message_id" uuid NOT NULL,
	"after_seq" integer NOT NULL,
	"until" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "wechat_seen_events" (
	"workspace_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wechat_seen_events_inbox_id_key_pk" PRIMARY KEY("inbox_id","key")
);
--> statement-breakpoint
CREATE TABLE "wechat_tokens" (
	"inbox_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"access_token" text,
	"expires_at" timestamp (3) with time zone,
	"fetched_at" timestamp (3) with time zone,
	"fetches" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "wechat_accounts" ADD CONSTRAINT "wechat_accounts_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_accounts" ADD CONSTRAINT "wechat_accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_call_log" ADD CONSTRAINT "wechat_call_log_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_call_log" ADD CONSTRAINT "wechat_call_log_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_followers" ADD CONSTRAINT "wechat_followers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_followers" ADD CONSTRAINT "wechat_followers_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_outbound_claims" ADD CONSTRAINT "wechat_outbound_claims_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_passive_windows" ADD CONSTRAINT "wechat_passive_windows_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_seen_events" ADD CONSTRAINT "wechat_seen_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_seen_events" ADD CONSTRAINT "wechat_seen_events_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_tokens" ADD CONSTRAINT "wechat_tokens_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_tokens" ADD CONSTRAINT "wechat_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wechat_call_log_inbox_idx" ON "wechat_call_log" USING btree ("inbox_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "wechat_followers_open_id_unique" ON "wechat_followers" USING btree ("inbox_id","open_id");--> statement-breakpoint
CREATE INDEX "wechat_followers_customer_idx" ON "wechat_followers" USING btree ("inbox_id","customer_id");