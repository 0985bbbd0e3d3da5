CREATE TABLE "conversation" (
	"id" text PRIMARY KEY NOT NULL,
	"lead_id" text NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"snoozed_until" bigint,
	"assignee_id" text,
	"team_id" text,
	"priority" text DEFAULT 'normal' NOT NULL,
	"labels" jsonb NOT NULL,
	"subject" text,
	"our_address" text,
	"lead_address" text,
	"mailbox_id" text,
	"thread_key" text,
	"unread_count" integer DEFAULT 0 NOT NULL,
	"last_message_at" bigint,
	"last_message_preview" text,
	"last_inbound_at" bigint,
	"last_outbound_at" bigint,
	"first_inbound_at" bigint,
	"first_response_at" bigint,
	"closed_at" bigint,
	"sla" jsonb NOT NULL,
	"escalations" jsonb NOT NULL,
	"workspace_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_assignment" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"from_user_id" text,
	"to_user_id" text,
	"by_user_id" text,
	"note" text,
	"reason" text,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mailbox" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"address" text NOT NULL,
	"display_name" text,
	"imap_host" text NOT NULL,
	"imap_port" integer NOT NULL,
	"imap_secure" boolean NOT NULL,
	"imap_user" text NOT NULL,
	"smtp_host" text NOT NULL,
	"smtp_port" integer NOT NULL,
	"smtp_secure" boolean NOT NULL,
	"smtp_user" text NOT NULL,
	"secret_enc" text NOT NULL,
	"imap_uid_validity" bigint,
	"imap_last_uid" bigint DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"channel" text NOT NULL,
	"direction" text NOT NULL,
	"kind" text DEFAULT 'message' NOT NULL,
	"author_id" text,
	"from_address" text,
	"to_address" text,
	"subject" text,
	"body" text NOT NULL,
	"attachments" jsonb NOT NULL,
	"status" text NOT NULL,
	"status_reason" text,
	"provider_id" text,
	"email_message_id" text,
	"in_reply_to" text,
	"references" jsonb,
	"send_at" bigint,
	"sent_at" bigint,
	"delivered_at" bigint,
	"opened_at" bigint,
	"clicked_at" bigint,
	"mentions" jsonb,
	"call_duration_s" integer,
	"call_outcome" text,
	"assignee_id" text,
	"team_id" text,
	"workspace_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"category" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"conversation_id" text,
	"lead_id" text,
	"queue_item_id" text,
	"read_at" bigint,
	"workspace_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_item" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"conversation_id" text,
	"lead_id" text,
	"task_id" text,
	"assignee_id" text,
	"team_id" text,
	"due_at" bigint,
	"rank_key" bigint NOT NULL,
	"pinned_rank" integer,
	"lead_score" integer,
	"channel" text,
	"claimed_by" text,
	"claimed_at" bigint,
	"done_at" bigint,
	"title" text NOT NULL,
	"workspace_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sendgrid_integration" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"public_key" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "twilio_integration" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"account_sid" text NOT NULL,
	"auth_token_enc" text NOT NULL,
	"phone_numbers" jsonb NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "twilio_integration_account_sid_unique" UNIQUE("account_sid")
);
--> statement-breakpoint
CREATE TABLE "webhook_event" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"event_key" text NOT NULL,
	"workspace_id" text,
	"payload" jsonb NOT NULL,
	"received_at" bigint NOT NULL,
	"processed_at" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "workspace_inbox_settings" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"routing_state" jsonb,
	"updated_at" bigint NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "mailbox" ADD CONSTRAINT "mailbox_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sendgrid_integration" ADD CONSTRAINT "sendgrid_integration_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "twilio_integration" ADD CONSTRAINT "twilio_integration_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_inbox_settings" ADD CONSTRAINT "workspace_inbox_settings_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_ws_seq_ix" ON "conversation" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_ws_thread_uq" ON "conversation" USING btree ("workspace_id","channel","thread_key");--> statement-breakpoint
CREATE INDEX "conversation_ws_lead_ix" ON "conversation" USING btree ("workspace_id","lead_id");--> statement-breakpoint
CREATE INDEX "conversation_ws_assignee_ix" ON "conversation" USING btree ("workspace_id","assignee_id","status");--> statement-breakpoint
CREATE INDEX "conversation_ws_last_ix" ON "conversation" USING btree ("workspace_id","last_message_at");--> statement-breakpoint
CREATE INDEX "conversation_assignment_conv_ix" ON "conversation_assignment" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "mailbox_ws_user_ix" ON "mailbox" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mailbox_ws_address_uq" ON "mailbox" USING btree ("workspace_id","address");--> statement-breakpoint
CREATE INDEX "message_ws_seq_ix" ON "message" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "message_conversation_ix" ON "message" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "message_ws_lead_ix" ON "message" USING btree ("workspace_id","lead_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "message_ws_provider_uq" ON "message" USING btree ("workspace_id","provider_id");--> statement-breakpoint
CREATE INDEX "message_ws_email_id_ix" ON "message" USING btree ("workspace_id","email_message_id");--> statement-breakpoint
CREATE INDEX "notification_ws_seq_ix" ON "notification" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "notification_user_ix" ON "notification" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "queue_item_ws_seq_ix" ON "queue_item" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "queue_item_next_ix" ON "queue_item" USING btree ("workspace_id","state","pinned_rank","rank_key");--> statement-breakpoint
CREATE INDEX "queue_item_conversation_ix" ON "queue_item" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_event_key_uq" ON "webhook_event" USING btree ("provider","event_key");--> statement-breakpoint
CREATE INDEX "webhook_event_pending_ix" ON "webhook_event" USING btree ("processed_at","received_at");