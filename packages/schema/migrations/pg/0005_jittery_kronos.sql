CREATE INDEX "lead_ws_email_ix" ON "lead" USING btree ("workspace_id","email");--> statement-breakpoint
CREATE INDEX "lead_ws_phone_ix" ON "lead" USING btree ("workspace_id","phone");