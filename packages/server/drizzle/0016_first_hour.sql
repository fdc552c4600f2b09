ALTER TABLE "customers" ADD COLUMN "number" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_customer_message_preview" text;--> statement-breakpoint
ALTER TABLE "agent_states" ADD COLUMN "chosen_status" text;--> statement-breakpoint
-- Hand-written data migration: existing conversations get the preview of their latest customer message.
UPDATE "conversations" AS c SET "last_customer_message_preview" = latest.preview
FROM (
  SELECT DISTINCT ON (m."conversation_id") m."conversation_id",
    left(CASE WHEN m."text" <> '' THEN m."text" WHEN jsonb_array_length(m."attachments") > 0 THEN '[' || (m."attachments"->0->>'name') || ']' ELSE '' END, 140) AS preview
  FROM "messages" m
  WHERE m."kind" = 'in'
  ORDER BY m."conversation_id", m."seq" DESC
) AS latest
WHERE latest."conversation_id" = c."id" AND c."last_customer_message_preview" IS NULL;
