from django.db import migrations

# An entry whose lines do not balance cannot be committed: a deferred constraint trigger checks each entry a
# transaction touched when it commits (so an entry's lines may be written one by one). It reads the lines in the
# entry's own brain: by commit time the code that wrote them has usually left its brain context (RLS would then
# show the trigger no line at all, and an empty sum balances), so it enters the brain for its query and restores
# whatever was set. The journal is
# append-only: a line or entry is never changed or deleted; a correction is a new entry.
SQL = """
CREATE OR REPLACE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  difference numeric;
  previous text := current_setting('app.brain_id', true);
BEGIN
  PERFORM set_config('app.brain_id', NEW.brain_id::text, true);
  SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) INTO difference
    FROM ledger_line WHERE entry_id = NEW.entry_id AND brain_id = NEW.brain_id;
  PERFORM set_config('app.brain_id', COALESCE(previous, ''), true);
  IF difference <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)', NEW.entry_id, difference
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_line
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the journal is append-only: % of % refused; post a correcting entry', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_line_append_only BEFORE UPDATE OR DELETE ON ledger_line
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
"""

REVERSE = """
DROP TRIGGER ledger_entry_append_only ON ledger_entry;
DROP TRIGGER ledger_line_append_only ON ledger_line;
DROP FUNCTION ledger_append_only();
DROP TRIGGER ledger_entry_balanced ON ledger_line;
DROP FUNCTION ledger_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_journal")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
