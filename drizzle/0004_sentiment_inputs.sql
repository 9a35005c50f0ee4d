CREATE TABLE "sentiment_inputs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"symbol" text NOT NULL,
	"text" text NOT NULL,
	"source" text NOT NULL,
	"text_hash" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sentiment_inputs_text_length" CHECK (char_length("sentiment_inputs"."text") BETWEEN 1 AND 2000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sentiment_inputs_symbol_source_text_hash_key" ON "sentiment_inputs" USING btree ("symbol","source","text_hash");--> statement-breakpoint
CREATE INDEX "sentiment_inputs_symbol_published_at_idx" ON "sentiment_inputs" USING btree ("symbol","published_at");