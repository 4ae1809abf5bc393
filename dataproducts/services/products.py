"""Data products (docs/dataproducts.md, "Products, revisions and privacy"): an operator creates a product of the
brain from a definition (dataproducts.definitions), with its access, prices and privacy rule, lists it in the
catalogue and retires it. Only operators; every refusal names its field, in Chinese and English."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dataproducts.definitions import REGISTRY
from dataproducts.models import DataProduct
from ledger.money import MAX_AMOUNT, VAT_RATES
from tenants.access import require_brain_active, require_operator
from tenants.context import brain_context
from tenants.errors import DomainError
from tenants.models import Brain, User
from tenants.outbox import event_record

PRICES = ("subscription_price", "price_per_call", "price_per_row")
EDITABLE = ("name_zh", "name_en", "description_zh", "description_en", "access", "required", "subscription_price",
            "subscription_period", "price_per_call", "price_per_row", "vat_rate", "min_enterprises", "max_share",
            "status")
# draft → listed → retired, and a retired product may be listed again; never back to draft.
MOVES = {("draft", "listed"), ("listed", "retired"), ("retired", "listed")}
MAX_DESCRIPTION = 4000


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise DomainError(_("Enter a number."), field=field)
    return number


def _check(values: dict) -> dict:
    """The product's fields as they will be stored, or DomainError naming the first field at fault."""
    for field in ("name_zh", "name_en"):
        values[field] = (values.get(field) or "").strip()
        if not values[field] or len(values[field]) > 200:
            raise DomainError(_("Give the product a name of 1 to 200 characters."), field=field)
    for field in ("description_zh", "description_en"):
        values[field] = (values.get(field) or "").strip()
        if len(values[field]) > MAX_DESCRIPTION:
            raise DomainError(_("A description has at most %(max)d characters.") % {"max": MAX_DESCRIPTION},
                              field=field)
    if values["access"] not in DataProduct.Access.values:
        raise DomainError(_("Access is open, on request or paid."), field="access")
    if values["subscription_period"] not in DataProduct.Period.values:
        raise DomainError(_("A subscription runs per month or per year."), field="subscription_period")
    for field in PRICES:
        price = values[field] = _decimal(values.get(field), field)
        if price is not None and (price < Decimal("0.01") or price > MAX_AMOUNT or price != round(price, 2)):
            raise DomainError(_("A price is at least ¥0.01, in fen."), field=field)
    if values["access"] == DataProduct.Access.PAID:
        if all(values[field] is None for field in PRICES):
            raise DomainError(_("A paid product needs a subscription price, a price per call or a price per row."),
                              field="subscription_price")
    else:
        for field in PRICES:
            if values[field] is not None:
                raise DomainError(_("Only a paid product has prices."), field=field)
    values["vat_rate"] = _decimal(values.get("vat_rate"), "vat_rate")
    if values["vat_rate"] is None or values["vat_rate"] not in VAT_RATES:
        raise DomainError(_("The VAT rate is one of China's rates: 0, 1, 3, 6, 9 or 13 %."), field="vat_rate")
    minimum = values.get("min_enterprises")
    if minimum in ("", None):
        values["min_enterprises"] = None
    else:
        try:
            values["min_enterprises"] = int(minimum)
        except (TypeError, ValueError):
            raise DomainError(_("Enter a whole number."), field="min_enterprises") from None
        if not 3 <= values["min_enterprises"] <= 100:
            raise DomainError(_("A cell needs 3 to 100 enterprises behind it."), field="min_enterprises")
    share = values["max_share"] = _decimal(values.get("max_share"), "max_share")
    if share is not None and not (Decimal(10) <= share <= Decimal(100) and share == round(share, 2)):
        raise DomainError(_("The largest share of one enterprise is 10 to 100 %."), field="max_share")
    values["required"] = bool(values.get("required"))
    return values


@transaction.atomic
def product_create(*, brain: Brain, by: User, definition: str, code: str, name_zh: str, name_en: str, access: str,
                   required: bool = False, description_zh: str = "", description_en: str = "",
                   subscription_price=None, subscription_period: str = "month", price_per_call=None,
                   price_per_row=None, vat_rate=Decimal(6), min_enterprises=None, max_share=None) -> DataProduct:
    """A new product of the brain's catalogue, in draft until an operator lists it."""
    with brain_context(brain.pk):
        require_operator(brain=brain, user=by)
        require_brain_active(brain=brain)
        if definition not in REGISTRY:
            raise DomainError(_("There is no such product definition."), field="definition")
        code = (code or "").strip()
        if not code or slugify(code) != code or len(code) > 60:
            raise DomainError(_("A code is 1 to 60 lower-case letters, digits and hyphens."), field="code")
        values = _check({
            "name_zh": name_zh, "name_en": name_en, "description_zh": description_zh,
            "description_en": description_en, "access": access, "required": required,
            "subscription_price": subscription_price, "subscription_period": subscription_period,
            "price_per_call": price_per_call, "price_per_row": price_per_row, "vat_rate": vat_rate,
            "min_enterprises": min_enterprises, "max_share": max_share})
        if DataProduct.objects.in_brain(brain).filter(code=code).exists():
            raise DomainError(_("This brain already has a product with this code."), field="code", code="duplicate")
        try:
            with transaction.atomic():
                product = DataProduct.objects.create(brain=brain, definition=definition, code=code, created_by=by,
                                                     **values)
        except IntegrityError:  # a concurrent create took the code
            raise DomainError(_("This brain already has a product with this code."), field="code",
                              code="duplicate") from None
        event_record(brain_id=brain.pk, name="data_product.created", payload={"product": product.pk})
        return product


@transaction.atomic
def product_update(*, product: DataProduct, by: User, **changes) -> DataProduct:
    """Change a product's names, description, access, prices, rule, or list or retire it (operators). A price change
    applies to subscriptions granted from then on (a subscription keeps its snapshot)."""
    with brain_context(product.brain_id):
        require_operator(brain=product.brain, user=by)
        require_brain_active(brain=product.brain)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
                              field=sorted(unknown)[0])
        product = DataProduct.objects.in_brain(product.brain_id).select_for_update().get(pk=product.pk)
        status = changes.pop("status", product.status)
        if status != product.status and (product.status, status) not in MOVES:
            raise DomainError(_("A %(from)s product cannot become %(to)s.") % {
                "from": product.get_status_display(),
                "to": DataProduct.Status(status).label if status in DataProduct.Status.values else status},
                field="status", code="invalid_status")
        values = {field: getattr(product, field) for field in EDITABLE if field != "status"}
        if changes.get("access", values["access"]) != DataProduct.Access.PAID:
            values.update({field: None for field in PRICES})  # a product made free drops its prices
        values.update(changes)
        values = _check(values)
        for field, value in values.items():
            setattr(product, field, value)
        listed = status == DataProduct.Status.LISTED and product.status != status
        product.status = status
        product.save()
        event_record(brain_id=product.brain_id, name="data_product.listed" if listed else "data_product.updated",
                     payload={"product": product.pk})
        return product
