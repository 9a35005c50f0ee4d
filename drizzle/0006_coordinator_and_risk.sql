CREATE TABLE "coordinator_decisions" (
	"signal_id" text PRIMARY KEY NOT NULL,
	"correlation_id" text NOT NULL,
	"symbol" text NOT NULL,
	"action" text NOT NULL,
	"outcome" text NOT NULL,
	"conflicts" jsonb NOT NULL,
	"consensus" jsonb,
	"resolution" jsonb,
	"proposal_id" text,
	"proposal" jsonb,
	"coordinator_state" text NOT NULL,
	"degradation_level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_decisions" (
	"decision_id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"signal_id" text NOT NULL,
	"correlation_id" text NOT NULL,
	"symbol" text NOT NULL,
	"decision" text NOT NULL,
	"proposal" jsonb NOT NULL,
	"notional_usd" numeric(38, 18),
	"quantity" numeric(38, 18),
	"adjustments" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"risk_state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_state" (
	"account" text PRIMARY KEY NOT NULL,
	"state" jsonb NOT NULL,
	"version" integer NOT NULL,
	"resets_applied" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "coordinator_decisions_correlation_id_idx" ON "coordinator_decisions" USING btree ("correlation_id");--> statement-breakpoint
CREATE INDEX "coordinator_decisions_symbol_created_idx" ON "coordinator_decisions" USING btree ("symbol","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "risk_decisions_proposal_id_key" ON "risk_decisions" USING btree ("proposal_id");--> statement-breakpoint
CREATE INDEX "risk_decisions_correlation_id_idx" ON "risk_decisions" USING btree ("correlation_id");