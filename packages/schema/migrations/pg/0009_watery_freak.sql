CREATE TABLE "command_result" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"command_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "command_result_ws_cmd_uq" ON "command_result" USING btree ("workspace_id","command_id");--> statement-breakpoint
CREATE INDEX "command_result_created_ix" ON "command_result" USING btree ("created_at");