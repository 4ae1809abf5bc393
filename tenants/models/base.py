"""Abstract bases that models of several concepts share: a bilingual name, and the change time ERPs sync by."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

__all__ = ["Bilingual", "ChangeTracked"]


class Bilingual(models.Model):
    """A thing with a Chinese and an English name; `name` follows the active language."""

    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = get_language() or "zh-hans"
        return self.name_en if language.startswith("en") and self.name_en else self.name_zh

    def __str__(self) -> str:
        return self.name


class ChangeTracked(models.Model):
    """A row that ERPs sync incrementally: `updated_at` is set by the database on every change of the row
    (a trigger, tenants.sync, so `.update()` and raw SQL count too), and lists filter and page on it.

    `sync_children` names lookups to children's change times that count as a change of this row (a work
    order changes when one of its lines does)."""

    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    sync_field = "updated_at"
    sync_children: tuple[str, ...] = ()

    class Meta:
        abstract = True
