CREATE TABLE "lead_list" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"filter" jsonb,
	"owner_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_list_member" (
	"id" text PRIMARY KEY NOT NULL,
	"list_id" text NOT NULL,
	"lead_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_view" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"owner_id" text NOT NULL,
	"filter" jsonb NOT NULL,
	"columns" jsonb NOT NULL,
	"sort" jsonb NOT NULL,
	"pinned" boolean DEFAULT false NOT NULL,
	"workspace_id" text NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task" (
	"id" text PRIMARY KEY NOT NULL,
	"lead_id" text NOT NULL,
	"title" text NOT NULL,
	"due_at" bigint,
	"done" boolean DEFAULT false NOT NULL,
	"assignee_id" text,
	"created_by" text NOT NULL,
	"workspace_id" text NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_data_seq" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_lead_settings" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
ALTER TABLE "workspace_data_seq" ADD CONSTRAINT "workspace_data_seq_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_lead_settings" ADD CONSTRAINT "workspace_lead_settings_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_list_ws_seq_ix" ON "lead_list" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "lead_list_member_ws_seq_ix" ON "lead_list_member" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "lead_list_member_list_lead_uq" ON "lead_list_member" USING btree ("list_id","lead_id");--> statement-breakpoint
CREATE INDEX "lead_list_member_lead_ix" ON "lead_list_member" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "saved_view_ws_seq_ix" ON "saved_view" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "task_ws_seq_ix" ON "task" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "task_ws_lead_ix" ON "task" USING btree ("workspace_id","lead_id");--> statement-breakpoint
CREATE INDEX "task_ws_assignee_ix" ON "task" USING btree ("workspace_id","assignee_id");