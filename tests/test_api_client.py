"""A Python client generated from our OpenAPI schema with openapi-python-client, and a round trip with it.

The schema cannot break the generated client unnoticed: generation must succeed without a warning (the
generator skips an endpoint, a response or a model it cannot read, and only says so on stdout), and the
client it writes must talk to the live server with an API key. Generation runs once per module, in a
temporary folder outside the repository.
"""

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tenants.services import api_keys as services

PACKAGE = "industry_brain_client"

# The generator's own configuration (what `docs/api.md` tells integrators to use too). The schema states
# the workbook downloads' real media type; the generator only knows JSON, text and octet-stream, so it is
# told to read the xlsx type as bytes. No post hooks: the output is not formatted (ruff need not be here).
CONFIG = """\
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""

# Generator warnings we accept, as (first line of the warning, why). Keep it empty: fix the schema instead
# (extend_schema with real serializers, unique component names, operation_id overrides).
ALLOWED_WARNINGS: list[tuple[str, str]] = []

# The generator's lines that announce something it left out or could not read.
WARNING_LINE = re.compile(r"^(WARNING parsing .*|Unable to .*|Cannot parse .*|Failure to process .*|"
                          r"Could not .*|Skipping .*)$")


def generator_warnings(output: str) -> list[str]:
    allowed = {line for line, _why in ALLOWED_WARNINGS}
    return [line for line in output.splitlines() if WARNING_LINE.match(line.strip()) and line.strip() not in allowed]


@pytest.fixture(scope="module")
def client_package(tmp_path_factory):
    """Write the schema, generate the client from it, import it; forget it from sys.modules afterwards."""
    root = tmp_path_factory.mktemp("generated-client")
    schema, config = root / "schema.yaml", root / "config.yaml"
    call_command("spectacular", "--file", str(schema), "--fail-on-warn")
    config.write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [str(generator), "generate", "--path", str(schema), "--config", str(config),
         "--output-path", str(root / PACKAGE), "--meta", "none"],
        capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    warnings = generator_warnings(output)
    assert not warnings, "the generator left parts of the API out:\n" + "\n".join(warnings) + "\n\n" + output
    assert "Warning(s) encountered" not in output, output
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_operation_ids_read_well_as_function_modules(client_package):
    api = Path(client_package.__file__).parent / "api" / "v1"
    modules = {path.stem for path in api.glob("v1_*.py")}
    for name in ("v1_brains_projects_list", "v1_brains_projects_create", "v1_brains_projects_retrieve",
                 "v1_brains_projects_import_bom_create", "v1_brains_projects_board_retrieve",
                 "v1_brains_rfqs_create", "v1_brains_rfqs_publish_create", "v1_brains_rfqs_quote_update",
                 "v1_brains_rfqs_award_create", "v1_brains_work_orders_accept_create",
                 "v1_brains_work_orders_report_create", "v1_brains_progress_reports_bulk_create",
                 "v1_api_keys_create", "v1_me_retrieve"):
        assert name in modules, sorted(modules)
    # Class names do not depend on the schema's language (a translated label once named enums `…List状`).
    models = importlib.import_module(f"{PACKAGE}.models")
    classes = {name for name in dir(models) if not name.startswith("_")}
    odd = sorted(name for name in classes if not (name.isascii() and name.isidentifier()))
    assert not odd, odd
    assert {"Project", "ProjectRequest", "Board", "BoardRow", "V1BrainsProjectsListStatus"} <= classes


def test_the_buyers_erp_lists_creates_and_reads_back_a_project(client_package, live_server_url, alice, mould):
    from industry_brain_client import AuthenticatedClient
    from industry_brain_client.api.v1 import (
        v1_brains_projects_board_retrieve,
        v1_brains_projects_bom_template_retrieve,
        v1_brains_projects_create,
        v1_brains_projects_list,
        v1_brains_projects_retrieve,
    )
    from industry_brain_client.models import Board, PaginatedProjectList, Project, ProjectRequest

    secret = services.api_key_create(by=alice, name="ERP", scope="write", brains=[mould]).secret
    client = AuthenticatedClient(base_url=live_server_url, token=secret, prefix="Api-Key")  # "Api-Key <secret>"
    with client as client:
        listed = v1_brains_projects_list.sync(client=client, brain_slug="mould")
        assert isinstance(listed, PaginatedProjectList) and listed.count == 0 and listed.results == []

        created = v1_brains_projects_create.sync_detailed(
            client=client, brain_slug="mould",
            body=ProjectRequest(code="M-2026-201", name="空调支架模具", customer="格力"),
            idempotency_key="erp-client-1",
        )
        assert created.status_code == 201 and isinstance(created.parsed, Project)
        project = created.parsed
        assert (project.code, project.name, project.part_count) == ("M-2026-201", "空调支架模具", 0)

        read = v1_brains_projects_retrieve.sync_detailed(client=client, brain_slug="mould", id=project.id)
        assert read.status_code == 200 and read.parsed.to_dict() == project.to_dict()
        etag = read.headers["etag"]
        again = v1_brains_projects_retrieve.sync_detailed(
            client=client.with_headers({"If-None-Match": etag}), brain_slug="mould", id=project.id)
        assert again.status_code == 304 and again.parsed is None

        listed = v1_brains_projects_list.sync(client=client, brain_slug="mould")
        assert [p.code for p in listed.results] == ["M-2026-201"]

        board = v1_brains_projects_board_retrieve.sync(client=client, brain_slug="mould", id=project.id)
        assert isinstance(board, Board) and board.project == project.id and board.rows == []

        template = v1_brains_projects_bom_template_retrieve.sync_detailed(client=client, brain_slug="mould")
        assert template.status_code == 200 and template.content[:2] == b"PK"  # an xlsx is a zip


def test_the_suppliers_mes_posts_a_shift_of_reports_in_one_call(client_package, live_server_url, accepted, shop_a,
                                                                 parts, mould):
    """Both answers of the bulk endpoint parse into the client's models: the created reports, and every refused
    item of a call that recorded nothing."""
    from industry_brain_client import AuthenticatedClient
    from industry_brain_client.api.v1 import v1_brains_progress_reports_bulk_create
    from industry_brain_client.models import (
        InvalidReports,
        ProgressReport,
        ProgressReportBulkItemRequest,
        ProgressReportBulkRequest,
        ProgressStatusEnum,
    )

    from capacity.tests.conftest import operation_of
    from tenants.context import brain_context

    work_order, _lines = accepted
    with brain_context(mould.pk):
        lines = {line.part.part_no: line.pk for line in work_order.lines.select_related("part")}
    cnc, ht = operation_of(parts["cavity"], "CNC").pk, operation_of(parts["pin"], "HT").pk

    def item(line, operation, status, **fields):
        return ProgressReportBulkItemRequest(work_order=work_order.pk, line=lines[line], operation=operation,
                                             status=status, **fields)

    secret = services.api_key_create(by=shop_a, name="MES", scope="write", brains=[mould]).secret
    with AuthenticatedClient(base_url=live_server_url, token=secret, prefix="Api-Key") as client:
        refused = v1_brains_progress_reports_bulk_create.sync_detailed(
            client=client, brain_slug="mould", idempotency_key="mes-shift-1",
            body=ProgressReportBulkRequest(reports=[item("CAV-01", cnc, ProgressStatusEnum.IN_PROGRESS, percent=60),
                                                    item("EJ-01", cnc, ProgressStatusEnum.DONE)]))
        assert refused.status_code == 400 and isinstance(refused.parsed, InvalidReports), refused.content
        assert refused.parsed.code == "invalid_reports"
        assert [(e.index, e.field, e.code) for e in refused.parsed.errors] == [(1, "operation", "invalid")]

        created = v1_brains_progress_reports_bulk_create.sync_detailed(
            client=client, brain_slug="mould", idempotency_key="mes-shift-1",  # not kept when refused
            body=ProgressReportBulkRequest(reports=[item("CAV-01", cnc, ProgressStatusEnum.IN_PROGRESS, percent=60),
                                                    item("EJ-01", ht, ProgressStatusEnum.DONE, note="炉号 H-7")]))
        assert created.status_code == 201, created.content
        assert all(isinstance(report, ProgressReport) for report in created.parsed)
        assert [(r.line, r.process, r.status, r.quantity_done) for r in created.parsed] == [
            (lines["CAV-01"], "CNC", ProgressStatusEnum.IN_PROGRESS, None),
            (lines["EJ-01"], "HT", ProgressStatusEnum.DONE, 40)]
