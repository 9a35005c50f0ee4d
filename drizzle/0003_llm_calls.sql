CREATE TABLE "llm_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"purpose" text NOT NULL,
	"correlation_id" text,
	"outcome" text NOT NULL,
	"attempt" integer DEFAULT 1 NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(38, 18) NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "llm_calls_outcome_valid" CHECK ("llm_calls"."outcome" IN ('ok', 'invalid', 'repaired', 'timeout', 'http_error', 'rate_limited', 'budget_exhausted', 'cached')),
	CONSTRAINT "llm_calls_tokens_not_negative" CHECK ("llm_calls"."input_tokens" >= 0 AND "llm_calls"."output_tokens" >= 0),
	CONSTRAINT "llm_calls_cost_not_negative" CHECK ("llm_calls"."cost_usd" >= 0)
);
--> statement-breakpoint
CREATE TABLE "llm_reply_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"reply" text NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "llm_calls_occurred_at_idx" ON "llm_calls" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "llm_calls_correlation_id_idx" ON "llm_calls" USING btree ("correlation_id") WHERE "llm_calls"."correlation_id" IS NOT NULL;