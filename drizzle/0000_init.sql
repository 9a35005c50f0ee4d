CREATE TABLE "candles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"open_time" timestamp with time zone NOT NULL,
	"open" numeric(38, 18) NOT NULL,
	"high" numeric(38, 18) NOT NULL,
	"low" numeric(38, 18) NOT NULL,
	"close" numeric(38, 18) NOT NULL,
	"volume" numeric(38, 18) NOT NULL,
	"trades" integer DEFAULT 0 NOT NULL,
	"gap_filled" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "candles_high_not_below_low" CHECK ("candles"."high" >= "candles"."low"),
	CONSTRAINT "candles_volume_not_negative" CHECK ("candles"."volume" >= 0),
	CONSTRAINT "candles_trades_not_negative" CHECK ("candles"."trades" >= 0)
);
--> statement-breakpoint
CREATE TABLE "processed_messages" (
	"consumer" text NOT NULL,
	"message_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_messages_pkey" PRIMARY KEY("consumer","message_id")
);
--> statement-breakpoint
CREATE TABLE "system_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"source" text NOT NULL,
	"correlation_id" text,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "system_events_severity_valid" CHECK ("system_events"."severity" IN ('info', 'warning', 'error', 'critical'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "candles_symbol_timeframe_open_time_key" ON "candles" USING btree ("symbol","timeframe","open_time");--> statement-breakpoint
CREATE INDEX "system_events_occurred_at_idx" ON "system_events" USING btree ("occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "system_events_correlation_id_idx" ON "system_events" USING btree ("correlation_id") WHERE "system_events"."correlation_id" IS NOT NULL;