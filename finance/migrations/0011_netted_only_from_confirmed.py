from django.db import migrations

# A payable becomes `netted` only from `confirmed`: the database, not only the service, keeps a payable issued as a
# certificate (`certified`), financed, paid or disputed out of a netting (found in review: the trigger checked the
# live netting and early payments, not what the payable was).
FUNCTION = """
CREATE OR REPLACE FUNCTION finance_payable_netted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  live boolean;
  early boolean;
  previous text := current_setting('app.brain_id', true);
BEGIN
  PERFORM set_config('app.brain_id', NEW.brain_id::text, true);
  live := EXISTS (SELECT 1 FROM finance_nettingleg WHERE payable_id = NEW.id
                  AND netting_status IN ('proposed', 'settled'));
  early := EXISTS (SELECT 1 FROM finance_earlypayment WHERE payable_id = NEW.id);
  PERFORM set_config('app.brain_id', COALESCE(previous, ''), true);
  IF NOT live OR early {extra}THEN
    RAISE EXCEPTION 'payable %: netted only through a live netting, {words}and never once paid early', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
"""

SQL = FUNCTION.replace("{extra}", "OR OLD.status <> 'confirmed' ").replace("{words}", "only when confirmed, ")
REVERSE = FUNCTION.replace("{extra}", "").replace("{words}", "")


class Migration(migrations.Migration):
    dependencies = [("finance", "0010_maturity_reminders")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
