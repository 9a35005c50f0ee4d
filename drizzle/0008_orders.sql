CREATE TABLE "orders" (
	"client_order_id" text PRIMARY KEY NOT NULL,
	"exchange_order_id" text,
	"decision_id" text,
	"proposal_id" text,
	"correlation_id" text,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"type" text NOT NULL,
	"intent" text,
	"purpose" text NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"filled_quantity" numeric(38, 18) DEFAULT '0' NOT NULL,
	"avg_fill_price" numeric(38, 18),
	"limit_price" numeric(38, 18),
	"trigger_price" numeric(38, 18),
	"leverage" numeric(38, 18) DEFAULT '1' NOT NULL,
	"reduce_only" boolean DEFAULT false NOT NULL,
	"fee_usd" numeric(38, 18) DEFAULT '0' NOT NULL,
	"status" text NOT NULL,
	"exchange" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_status_valid" CHECK ("orders"."status" IN ('created', 'submitting', 'unknown', 'open', 'partially_filled', 'filled', 'canceled', 'expired', 'rejected', 'denied')),
	CONSTRAINT "orders_filled_within_quantity" CHECK ("orders"."quantity" > 0 AND "orders"."filled_quantity" >= 0 AND "orders"."filled_quantity" <= "orders"."quantity")
);
--> statement-breakpoint
CREATE TABLE "order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_order_id" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fills" (
	"fill_id" text PRIMARY KEY NOT NULL,
	"client_order_id" text NOT NULL,
	"exchange_order_id" text,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"price" numeric(38, 18) NOT NULL,
	"fee_usd" numeric(38, 18) NOT NULL,
	"filled_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "orders_exchange_order_id_key" ON "orders" USING btree ("exchange","exchange_order_id");--> statement-breakpoint
CREATE INDEX "orders_reconcile_idx" ON "orders" USING btree ("status") WHERE "orders"."status" IN ('created', 'submitting', 'unknown', 'open', 'partially_filled');--> statement-breakpoint
CREATE INDEX "orders_correlation_id_idx" ON "orders" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "orders_symbol_created_at_idx" ON "orders" USING btree ("symbol","created_at");--> statement-breakpoint
CREATE INDEX "order_events_client_order_id_idx" ON "order_events" USING btree ("client_order_id","id");--> statement-breakpoint
CREATE INDEX "fills_client_order_id_idx" ON "fills" USING btree ("client_order_id");