CREATE TABLE "positions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"status" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"avg_entry_price" numeric(38, 18) NOT NULL,
	"leverage" numeric(38, 18) NOT NULL,
	"realized_pnl_usd" numeric(38, 18) NOT NULL,
	"fees_usd" numeric(38, 18) NOT NULL,
	"protection" jsonb NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "position_fills" (
	"fill_id" text PRIMARY KEY NOT NULL,
	"position_id" bigint,
	"realized_pnl_usd" numeric(38, 18) NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portfolio_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"equity_usd" numeric(38, 18) NOT NULL,
	"cash_usd" numeric(38, 18) NOT NULL,
	"exposure_usd" numeric(38, 18) NOT NULL,
	"unrealized_pnl_usd" numeric(38, 18) NOT NULL,
	"realized_pnl_usd" numeric(38, 18) NOT NULL,
	"fees_usd" numeric(38, 18) NOT NULL,
	"positions" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "positions_open_symbol_key" ON "positions" USING btree ("account","symbol") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "positions_account_closed_at_idx" ON "positions" USING btree ("account","closed_at");--> statement-breakpoint
CREATE INDEX "portfolio_snapshots_account_at_idx" ON "portfolio_snapshots" USING btree ("account","at");