"""Finance reads capacity and supplychain only through their selectors (and their events): never their models,
services or forms (docs/architecture.md). The demo, which builds capacity's evidence on purpose, and the tests are
exempt."""

import ast
from pathlib import Path

import finance

ROOT = Path(finance.__file__).parent
ALLOWED = {"capacity": "capacity.selectors", "supplychain": "supplychain.selectors"}


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_it_reads_capacity_and_supplychain_only_through_their_selectors():
    sources = [path for path in ROOT.rglob("*.py") if "tests" not in path.relative_to(ROOT).parts
               and path.name != "demo.py" and "migrations" not in path.parts]
    assert len(sources) > 40  # the walk found the app
    crossing = sorted(f"{path.relative_to(ROOT)}: {module}" for path in sources for module in imported_modules(path)
                      if module.split(".")[0] in ALLOWED and not module.startswith(ALLOWED[module.split(".")[0]]))
    assert crossing == []
