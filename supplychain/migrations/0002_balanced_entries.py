from django.db import migrations

# A journal entry whose lines do not balance cannot be committed: a deferred constraint trigger checks each
# entry touched by a transaction when it commits (so the lines of one entry may be written one by one).
BALANCED = """
CREATE OR REPLACE FUNCTION supplychain_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry bigint := COALESCE(NEW.entry_id, OLD.entry_id);
  difference numeric;
BEGIN
  SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) INTO difference
    FROM supplychain_journalline WHERE entry_id = entry;
  IF difference <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)', entry, difference
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER journal_entry_balanced
  AFTER INSERT OR UPDATE OR DELETE ON supplychain_journalline
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION supplychain_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("supplychain", "0001_group_buys")]

    operations = [migrations.RunSQL(BALANCED, reverse_sql="DROP TRIGGER journal_entry_balanced ON supplychain_journalline;"
                                                         "DROP FUNCTION supplychain_entry_balanced();")]
