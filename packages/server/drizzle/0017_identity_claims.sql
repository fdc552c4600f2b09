CREATE TABLE "customer_identity_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_verification_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"consumed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_identities" ADD COLUMN "verified_via" text;--> statement-breakpoint
ALTER TABLE "customer_identity_claims" ADD CONSTRAINT "customer_identity_claims_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_identity_claims" ADD CONSTRAINT "customer_identity_claims_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_verification_codes" ADD CONSTRAINT "identity_verification_codes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_verification_codes" ADD CONSTRAINT "identity_verification_codes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_identity_claims_unique" ON "customer_identity_claims" USING btree ("customer_id","kind","value");--> statement-breakpoint
CREATE INDEX "customer_identity_claims_value_idx" ON "customer_identity_claims" USING btree ("workspace_id","kind","value");--> statement-breakpoint
CREATE INDEX "identity_verification_codes_customer_idx" ON "identity_verification_codes" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "identity_verification_codes_value_idx" ON "identity_verification_codes" USING btree ("workspace_id","kind","value","created_at");--> statement-breakpoint
-- Hand-written data migration (identity claims): keep as identities only what was proven; what a
-- visitor or an unsigned host-site profile merely typed becomes a claim.
-- Host-site user ids were stored verified: they were HMAC-signed.
UPDATE "customer_identities" SET "verified_via" = 'hmac' WHERE "verified" AND "verified_via" IS NULL;--> statement-breakpoint
-- Only the channel itself produces these: the widget's own visitor id, WeChat OpenID/UnionID, WeCom external_userid.
UPDATE "customer_identities" SET "verified" = true, "verified_via" = 'channel'
WHERE "verified_via" IS NULL
  AND ("kind" IN ('visitor', 'wechat_openid', 'wechat_unionid') OR ("kind" = 'external' AND "value" LIKE 'wecom:%'));--> statement-breakpoint
-- An email identity made by an inbound mail from that address (same transaction, so no later than
-- the mail). One that existed before the first mail from it was typed first: a claim that mail
-- was then wrongly routed to — it stays unproven.
UPDATE "customer_identities" ci SET "verified" = true, "verified_via" = 'channel'
WHERE ci."kind" = 'email' AND ci."verified_via" IS NULL
  AND EXISTS (
    SELECT 1 FROM "email_messages" em
    WHERE em."workspace_id" = ci."workspace_id" AND em."direction" = 'in'
      AND lower(em."from_address") = ci."value" AND em."created_at" <= ci."created_at"
  );--> statement-breakpoint
INSERT INTO "customer_identity_claims" ("workspace_id", "customer_id", "kind", "value", "source", "created_at")
SELECT ci."workspace_id", ci."customer_id", ci."kind", ci."value",
  CASE WHEN EXISTS (
    SELECT 1 FROM "customer_identities" signed
    WHERE signed."customer_id" = ci."customer_id" AND signed."kind" = 'external' AND signed."verified_via" = 'hmac'
  ) THEN 'host_profile' ELSE 'pre_chat' END,
  ci."created_at"
FROM "customer_identities" ci
WHERE ci."verified_via" IS NULL AND ci."kind" IN ('email', 'phone')
ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM "customer_identities" WHERE "verified_via" IS NULL AND "kind" IN ('email', 'phone');
