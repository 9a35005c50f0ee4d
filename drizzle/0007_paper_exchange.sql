CREATE TABLE "paper_orders" (
	"exchange_order_id" text PRIMARY KEY NOT NULL,
	"client_order_id" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"filled_quantity" numeric(38, 18) NOT NULL,
	"filled_notional_usd" numeric(38, 18) NOT NULL,
	"limit_price" numeric(38, 18),
	"trigger_price" numeric(38, 18),
	"hold_price" numeric(38, 18),
	"leverage" double precision NOT NULL,
	"reduce_only" boolean NOT NULL,
	"triggered" boolean DEFAULT false NOT NULL,
	"fee_usd" numeric(38, 18) NOT NULL,
	"last_bar_open_time" timestamp with time zone,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "paper_orders_quantity_positive" CHECK ("paper_orders"."quantity" > 0),
	CONSTRAINT "paper_orders_filled_within_quantity" CHECK ("paper_orders"."filled_quantity" >= 0 AND "paper_orders"."filled_quantity" <= "paper_orders"."quantity"),
	CONSTRAINT "paper_orders_status_known" CHECK ("paper_orders"."status" IN ('open', 'closed', 'canceled'))
);
--> statement-breakpoint
CREATE TABLE "paper_balances" (
	"asset" text PRIMARY KEY NOT NULL,
	"total" numeric(38, 18) NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_fills" (
	"fill_id" text PRIMARY KEY NOT NULL,
	"exchange_order_id" text NOT NULL,
	"client_order_id" text NOT NULL,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"price" numeric(38, 18) NOT NULL,
	"liquidity" text NOT NULL,
	"fee_usd" numeric(38, 18) NOT NULL,
	"bar_open_time" timestamp with time zone NOT NULL,
	"filled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_prices" (
	"symbol" text PRIMARY KEY NOT NULL,
	"price" numeric(38, 18) NOT NULL,
	"bar_open_time" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "paper_orders_client_order_id_key" ON "paper_orders" USING btree ("client_order_id");--> statement-breakpoint
CREATE INDEX "paper_orders_open_symbol_idx" ON "paper_orders" USING btree ("symbol","opened_at") WHERE "paper_orders"."status" = 'open';--> statement-breakpoint
CREATE INDEX "paper_orders_closed_at_idx" ON "paper_orders" USING btree ("closed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "paper_fills_order_bar_key" ON "paper_fills" USING btree ("exchange_order_id","bar_open_time");--> statement-breakpoint
CREATE INDEX "paper_fills_filled_at_idx" ON "paper_fills" USING btree ("filled_at");