CREATE TABLE "agent_outputs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent" text NOT NULL,
	"symbol" text NOT NULL,
	"timeframe" text NOT NULL,
	"candle_open_time" timestamp with time zone NOT NULL,
	"output" jsonb NOT NULL,
	"correlation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "agent_outputs_agent_symbol_timeframe_candle_key" ON "agent_outputs" USING btree ("agent","symbol","timeframe","candle_open_time");--> statement-breakpoint
CREATE INDEX "agent_outputs_correlation_id_idx" ON "agent_outputs" USING btree ("correlation_id");