from django.db import migrations

# A payable is netted at most once, by the database. The partial unique index payable_netted_at_most_once (0006)
# covers the legs whose netting is live (proposed or settled), read from the leg's own copy of its netting's status,
# `netting_status`. That copy is kept by PostgreSQL, not by the services: (netting_id, netting_status) is a foreign
# key to the netting's (id, status) with ON UPDATE CASCADE, so the status written on the netting, by whatever code,
# is written on its legs in the same statement: a void netting frees its payables at once, and a void netting made
# live again while another live netting holds one of its payables fails on the unique index. The cascade runs as
# the tables' owner with row security not forced (PostgreSQL's referential actions), so RLS hides no leg from it.
#
# Three guards beside it: a netting that settled or became void never changes status again (settlement happens once,
# whatever calls it twice); a leg's payable, amounts and parties never change after the proposal (only the
# remainder split off at settlement is written on it); and a payable becomes `netted` only through a live netting
# and never once paid early (the early payment's own trigger, 0005, refuses a payable that is not confirmed, so
# whichever of the two commits second fails: both lock the payable row first). That check reads in the payable's
# own brain, restoring what was set, as 0002 and 0005 do.
SQL = """
ALTER TABLE finance_nettingleg ADD CONSTRAINT finance_nettingleg_status_follows_netting
  FOREIGN KEY (netting_id, netting_status) REFERENCES finance_netting (id, status) ON UPDATE CASCADE;

CREATE OR REPLACE FUNCTION finance_netting_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status <> 'proposed' AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'netting %: it is % for good', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER finance_netting_final BEFORE UPDATE ON finance_netting
  FOR EACH ROW EXECUTE FUNCTION finance_netting_final();

CREATE OR REPLACE FUNCTION finance_netting_leg_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.netting_id, NEW.payable_id, NEW.debtor_id, NEW.creditor_id, NEW.amount, NEW.netted) IS DISTINCT FROM
     (OLD.netting_id, OLD.payable_id, OLD.debtor_id, OLD.creditor_id, OLD.amount, OLD.netted) THEN
    RAISE EXCEPTION 'netting leg %: its payable, parties and amounts never change', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER finance_netting_leg_fixed BEFORE UPDATE ON finance_nettingleg
  FOR EACH ROW EXECUTE FUNCTION finance_netting_leg_fixed();

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
  IF NOT live OR early THEN
    RAISE EXCEPTION 'payable %: netted only through a live netting, and never once paid early', NEW.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER finance_payable_netted BEFORE UPDATE OF status ON finance_payable
  FOR EACH ROW WHEN (NEW.status = 'netted' AND OLD.status IS DISTINCT FROM 'netted')
  EXECUTE FUNCTION finance_payable_netted();
"""

REVERSE = """
DROP TRIGGER finance_payable_netted ON finance_payable;
DROP FUNCTION finance_payable_netted();
DROP TRIGGER finance_netting_leg_fixed ON finance_nettingleg;
DROP FUNCTION finance_netting_leg_fixed();
DROP TRIGGER finance_netting_final ON finance_netting;
DROP FUNCTION finance_netting_final();
ALTER TABLE finance_nettingleg DROP CONSTRAINT finance_nettingleg_status_follows_netting;
"""


class Migration(migrations.Migration):
    dependencies = [("finance", "0006_nettings")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
