-- One snapshot per account and slot from now on: of rows sharing an instant, keep the latest.
DELETE FROM "portfolio_snapshots" AS older USING "portfolio_snapshots" AS newer WHERE older."account" = newer."account" AND older."at" = newer."at" AND older."id" < newer."id";--> statement-breakpoint
DROP INDEX "portfolio_snapshots_account_at_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "portfolio_snapshots_account_at_key" ON "portfolio_snapshots" USING btree ("account","at");
