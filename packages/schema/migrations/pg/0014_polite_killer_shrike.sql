CREATE TABLE "conversation_status_change" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"from_status" text NOT NULL,
	"to_status" text NOT NULL,
	"snoozed_until" bigint,
	"by_user_id" text,
	"reason" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "conversation_status_change_conv_ix" ON "conversation_status_change" USING btree ("conversation_id","created_at");