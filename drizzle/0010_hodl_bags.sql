CREATE TABLE "hodl_bags" (
	"asset" text PRIMARY KEY NOT NULL,
	"quantity" numeric(38, 18) NOT NULL,
	"note" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "hodl_bags_quantity_non_negative" CHECK ("hodl_bags"."quantity" >= 0)
);
