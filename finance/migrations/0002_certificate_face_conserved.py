from django.db import migrations

# The face value is conserved: a certificate's children always add up to it exactly. A deferred constraint trigger
# checks, when a transaction that inserted children commits, every parent they belong to. It locks the
# parent first (FOR NO KEY UPDATE: the children's foreign keys hold KEY SHARE locks on it, which this does not wait
# for), so two transactions splitting one certificate at once are checked one after the other, each
# seeing the other's committed children: the second fails, whatever the services did or did not check. It reads in
# the certificate's own brain (by commit time the writer has usually left its brain context, and RLS would hide the
# rows) and restores whatever was set; a parent it cannot read fails closed.
SQL = """
CREATE OR REPLACE FUNCTION finance_certificate_conserved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  face numeric;
  parts numeric;
  previous text := current_setting('app.brain_id', true);
BEGIN
  IF NEW.parent_id IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('app.brain_id', NEW.brain_id::text, true);
  SELECT amount INTO face FROM finance_certificate WHERE id = NEW.parent_id FOR NO KEY UPDATE;
  SELECT COALESCE(SUM(amount), 0) INTO parts FROM finance_certificate WHERE parent_id = NEW.parent_id;
  PERFORM set_config('app.brain_id', COALESCE(previous, ''), true);
  IF face IS NULL OR parts <> face THEN
    RAISE EXCEPTION 'certificate %: its parts add up to %, not its face value %', NEW.parent_id, parts, face
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER finance_certificate_conserved AFTER INSERT ON finance_certificate DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION finance_certificate_conserved();

CREATE OR REPLACE FUNCTION finance_certificate_face_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount <> OLD.amount OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
    RAISE EXCEPTION 'certificate %: its face value and parent never change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER finance_certificate_face_fixed BEFORE UPDATE ON finance_certificate
  FOR EACH ROW EXECUTE FUNCTION finance_certificate_face_fixed();
"""

REVERSE = """
DROP TRIGGER finance_certificate_face_fixed ON finance_certificate;
DROP FUNCTION finance_certificate_face_fixed();
DROP TRIGGER finance_certificate_conserved ON finance_certificate;
DROP FUNCTION finance_certificate_conserved();
"""


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_payables_certificates")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
