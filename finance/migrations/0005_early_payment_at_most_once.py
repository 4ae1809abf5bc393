from django.db import migrations

# A claim is paid early at most once (the partial unique constraints of 0004), and then it stays whole:
# - an early payment names a confirmed payable that was never issued as a certificate, or a held certificate that
#   was never split;
# - a certificate paid early (financed or discounted) gets no children: it is never split;
# - a payable paid early is never issued as a certificate.
# Each trigger first locks the claim row it judges (FOR NO KEY UPDATE: the foreign keys of the rows being inserted
# hold KEY SHARE locks, which this does not wait for), so an early payment and a split or an issue of the same claim,
# in two transactions at once, are judged one after the other: the second waits for the first to commit and then
# sees its row (each statement of a plpgsql function takes a fresh snapshot under READ COMMITTED), and fails. They
# read in the row's own brain (the writer may be in another context, and RLS would hide the rows), restoring what
# was set; a claim they cannot read fails closed.
SQL = """
CREATE OR REPLACE FUNCTION finance_early_payment_claim_whole() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  state text;
  previous text := current_setting('app.brain_id', true);
BEGIN
  PERFORM set_config('app.brain_id', NEW.brain_id::text, true);
  IF NEW.payable_id IS NOT NULL THEN
    SELECT status INTO state FROM finance_payable WHERE id = NEW.payable_id FOR NO KEY UPDATE;
    IF state IS DISTINCT FROM 'confirmed'
       OR EXISTS (SELECT 1 FROM finance_certificate WHERE payable_id = NEW.payable_id) THEN
      RAISE EXCEPTION 'payable %: only a confirmed payable never issued as a certificate is paid early (it is %)',
        NEW.payable_id, COALESCE(state, 'not found') USING ERRCODE = 'check_violation';
    END IF;
  ELSE
    SELECT status INTO state FROM finance_certificate WHERE id = NEW.certificate_id FOR NO KEY UPDATE;
    IF state IS DISTINCT FROM 'held'
       OR EXISTS (SELECT 1 FROM finance_certificate WHERE parent_id = NEW.certificate_id) THEN
      RAISE EXCEPTION 'certificate %: only a held certificate never split is paid early (it is %)',
        NEW.certificate_id, COALESCE(state, 'not found') USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  PERFORM set_config('app.brain_id', COALESCE(previous, ''), true);
  RETURN NEW;
END $$;
CREATE TRIGGER finance_early_payment_claim_whole BEFORE INSERT ON finance_earlypayment
  FOR EACH ROW EXECUTE FUNCTION finance_early_payment_claim_whole();

CREATE OR REPLACE FUNCTION finance_early_payment_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.payable_id, NEW.certificate_id, NEW.kind, NEW.payer_id, NEW.supplier_id, NEW.debtor_id, NEW.face,
      NEW.discount, NEW.fee, NEW.amount, NEW.paid_on) IS DISTINCT FROM
     (OLD.payable_id, OLD.certificate_id, OLD.kind, OLD.payer_id, OLD.supplier_id, OLD.debtor_id, OLD.face,
      OLD.discount, OLD.fee, OLD.amount, OLD.paid_on) THEN
    RAISE EXCEPTION 'early payment %: what was paid, for which claim, by whom, never changes', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER finance_early_payment_fixed BEFORE UPDATE ON finance_earlypayment
  FOR EACH ROW EXECUTE FUNCTION finance_early_payment_fixed();

CREATE OR REPLACE FUNCTION finance_certificate_not_paid_early() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous text := current_setting('app.brain_id', true);
BEGIN
  PERFORM set_config('app.brain_id', NEW.brain_id::text, true);
  IF NEW.parent_id IS NULL THEN
    PERFORM 1 FROM finance_payable WHERE id = NEW.payable_id FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM finance_earlypayment WHERE payable_id = NEW.payable_id) THEN
      RAISE EXCEPTION 'payable %: it was paid early, so it is never issued as a certificate', NEW.payable_id
        USING ERRCODE = 'check_violation';
    END IF;
  ELSE
    PERFORM 1 FROM finance_certificate WHERE id = NEW.parent_id FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM finance_earlypayment WHERE certificate_id = NEW.parent_id) THEN
      RAISE EXCEPTION 'certificate %: it was paid early (financed or discounted), so it is never split',
        NEW.parent_id USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  PERFORM set_config('app.brain_id', COALESCE(previous, ''), true);
  RETURN NEW;
END $$;
CREATE TRIGGER finance_certificate_not_paid_early BEFORE INSERT ON finance_certificate
  FOR EACH ROW EXECUTE FUNCTION finance_certificate_not_paid_early();
"""

REVERSE = """
DROP TRIGGER finance_certificate_not_paid_early ON finance_certificate;
DROP FUNCTION finance_certificate_not_paid_early();
DROP TRIGGER finance_early_payment_fixed ON finance_earlypayment;
DROP FUNCTION finance_early_payment_fixed();
DROP TRIGGER finance_early_payment_claim_whole ON finance_earlypayment;
DROP FUNCTION finance_early_payment_claim_whole();
"""


class Migration(migrations.Migration):
    dependencies = [("finance", "0004_early_payments")]

    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
