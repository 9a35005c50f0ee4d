-- system_events is an append-only log. This trigger makes the database enforce it, whatever
-- the client: UPDATE, DELETE and TRUNCATE raise `restrict_violation` (SQLSTATE 23001).
-- Inputs: none. Effects: creates function system_events_refuse_change() and two triggers on
-- system_events. Both are created in the first schema of the search_path, like the table.
CREATE FUNCTION system_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'system_events is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'record a new event instead of changing or removing an old one';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER system_events_append_only
  BEFORE UPDATE OR DELETE ON system_events
  FOR EACH ROW EXECUTE FUNCTION system_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER system_events_no_truncate
  BEFORE TRUNCATE ON system_events
  FOR EACH STATEMENT EXECUTE FUNCTION system_events_refuse_change();
