CREATE TABLE "trading_signals" (
	"signal_id" text PRIMARY KEY NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"candle_open_time" timestamp with time zone NOT NULL,
	"action" text NOT NULL,
	"confidence" double precision NOT NULL,
	"agreement" double precision NOT NULL,
	"entry_price" numeric(38, 18),
	"stop_loss" numeric(38, 18),
	"take_profit" numeric(38, 18),
	"size_pct" numeric(38, 18) NOT NULL,
	"leverage" numeric(38, 18) NOT NULL,
	"votes" jsonb NOT NULL,
	"abstentions" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"with_sentiment" boolean NOT NULL,
	"degradation_level" text NOT NULL,
	"correlation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "trading_signals_symbol_candle_idx" ON "trading_signals" USING btree ("symbol","candle_open_time");--> statement-breakpoint
CREATE INDEX "trading_signals_correlation_id_idx" ON "trading_signals" USING btree ("correlation_id");