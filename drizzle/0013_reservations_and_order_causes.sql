CREATE TABLE "order_reservations" (
	"decision_id" text PRIMARY KEY NOT NULL,
	"client_order_id" text NOT NULL,
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(38, 18) NOT NULL,
	"position_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"release_reason" text,
	CONSTRAINT "order_reservations_valid" CHECK ("order_reservations"."amount" > 0 AND "order_reservations"."kind" IN ('cash', 'exit') AND ("order_reservations"."kind" = 'cash') = ("order_reservations"."position_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "position_locks" (
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "position_locks_account_symbol_pk" PRIMARY KEY("account","symbol")
);
--> statement-breakpoint
-- Existing orders get the cause their purpose and approval imply, before the column becomes NOT NULL.
ALTER TABLE "orders" ADD COLUMN "cause" text;--> statement-breakpoint
UPDATE "orders" SET "cause" = CASE WHEN "purpose" = 'adopted' THEN 'adopted' WHEN "purpose" = 'stop_loss' THEN 'stop' WHEN "purpose" = 'take_profit' THEN 'take_profit' WHEN "purpose" = 'flatten' THEN 'halt' WHEN "decision_id" IS NULL THEN 'breaker' ELSE 'approval' END;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "cause" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "order_reservations_one_exit_key" ON "order_reservations" USING btree ("position_id") WHERE "order_reservations"."kind" = 'exit' AND "order_reservations"."released_at" IS NULL;--> statement-breakpoint
CREATE INDEX "order_reservations_held_idx" ON "order_reservations" USING btree ("account") WHERE "order_reservations"."released_at" IS NULL;--> statement-breakpoint
CREATE INDEX "order_reservations_client_order_id_idx" ON "order_reservations" USING btree ("client_order_id");--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_cause_valid" CHECK ("orders"."cause" IN ('approval', 'stop', 'take_profit', 'watch', 'breaker', 'halt', 'operator', 'adopted'));