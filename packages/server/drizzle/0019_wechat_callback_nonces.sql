CREATE TABLE "wechat_callback_nonces" (
	"workspace_id" uuid NOT NULL,
	"inbox_id" uuid NOT NULL,
	"timestamp" text NOT NULL,
	"nonce" text NOT NULL,
	"body_digest" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wechat_callback_nonces_inbox_id_timestamp_nonce_pk" PRIMARY KEY("inbox_id","timestamp","nonce")
);
--> statement-breakpoint
ALTER TABLE "wechat_callback_nonces" ADD CONSTRAINT "wechat_callback_nonces_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wechat_callback_nonces" ADD CONSTRAINT "wechat_callback_nonces_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wechat_callback_nonces_expires_idx" ON "wechat_callback_nonces" USING btree ("expires_at");