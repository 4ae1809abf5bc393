from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; JSON-stored mappings have string keys, so try str(key) too."""
    if not mapping:
        return None
    if key in mapping:
        return mapping[key]
    return mapping.get(str(key))


@register.filter
def match_reason(code: str) -> str:
    """A matching reason code (capacity.matching) in words."""
    name, _sep, value = code.partition(":")
    labels = {
        "process": _("offers every process"),
        "envelope": _("a machine's envelope and weight fit"),
        "tolerance": _("holds the tolerance"),
        "material": _("handles the material"),
    }
    if name == "capacity":
        return _("%(hours)s free hours a week") % {"hours": value}
    return labels.get(name, code)
