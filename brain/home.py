"""The brain home's sections. Each domain app registers its own in `AppConfig.ready()`, so the brain, below them,
links to none of their pages."""

from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    template: str  # rendered with the home page's context (access, current_brain, …)
    order: int


HOME_SECTIONS: list[HomeSection] = []


def home_section_register(*, template: str, order: int) -> None:
    section = HomeSection(template=template, order=order)
    if section not in HOME_SECTIONS:
        HOME_SECTIONS.append(section)


def home_sections() -> list[HomeSection]:
    return sorted(HOME_SECTIONS, key=lambda section: (section.order, section.template))
