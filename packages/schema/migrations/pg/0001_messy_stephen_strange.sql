CREATE TABLE "change_log" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"doc_name" text,
	"update" "bytea",
	"client_id" bigint,
	"user_id" text,
	"entity" text,
	"entity_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "doc_snapshot" (
	"doc_name" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"state" "bytea" NOT NULL,
	"through_seq" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "field_conflict" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"doc_name" text NOT NULL,
	"field" text NOT NULL,
	"seq" bigint NOT NULL,
	"previous_value" jsonb,
	"previous_client_id" bigint NOT NULL,
	"previous_user_id" text,
	"incoming_value" jsonb,
	"incoming_client_id" bigint NOT NULL,
	"incoming_user_id" text,
	"winner" text NOT NULL,
	"same_value" boolean NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"company" text DEFAULT '' NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'new' NOT NULL,
	"owner_id" text,
	"tags" jsonb NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	"schema_version" integer NOT NULL,
	"seq" bigint NOT NULL,
	"y_state" "bytea",
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workspace_seq" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "change_log" ADD CONSTRAINT "change_log_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_snapshot" ADD CONSTRAINT "doc_snapshot_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_conflict" ADD CONSTRAINT "field_conflict_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_seq" ADD CONSTRAINT "workspace_seq_workspace_id_workspace_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspace"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "change_log_ws_seq_uq" ON "change_log" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "change_log_doc_ix" ON "change_log" USING btree ("doc_name","seq");--> statement-breakpoint
CREATE INDEX "doc_snapshot_ws_ix" ON "doc_snapshot" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "field_conflict_doc_ix" ON "field_conflict" USING btree ("doc_name","seq");--> statement-breakpoint
CREATE INDEX "field_conflict_ws_ix" ON "field_conflict" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "lead_ws_seq_ix" ON "lead" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "lead_ws_owner_ix" ON "lead" USING btree ("workspace_id","owner_id");