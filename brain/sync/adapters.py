"""Where rows come from: a paged HTTP JSON API with a token, or CSV/JSON files dropped into a folder.

An adapter yields (position, row) pairs, row a dict as the department sent it; it knows nothing of our record
types. The same code talks to a real department and to brain.fake_registry in tests and the demo.
"""

import csv
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger("industry_brain.sync")

HTTP_DEFAULTS = {
    "since_param": "updated_since", "page_param": "page", "size_param": "page_size", "page_size": 500,
    "list_path": "data.list", "total_path": "data.total", "timeout": 30, "retries": 4,
    "token_header": "Authorization", "token_prefix": "Bearer ",
}
FILE_SUFFIXES = (".csv", ".json", ".jsonl")


class SourceError(Exception):
    """The source could not be read (after retries): the run fails, its durable batches stay."""


def dig(body, path: str):
    """`data.list` of a decoded body; None where a step is missing."""
    for step in path.split(".") if path else ():
        if not isinstance(body, dict):
            return None
        body = body.get(step)
    return body


class HttpJsonAdapter:
    """Pages `GET url?updated_since=…&page=n&page_size=m` with the token, in the source's order of change.

    Timeouts, connection errors, 5xx answers and pages that are not the JSON promised are retried with
    exponential backoff (each one noted in `faults`); a 401/403 or a page still bad after the retries fails the
    run. Ordered: the department returns rows by their cursor, so each durable batch may advance the watermark.
    """

    ordered = True

    def __init__(self, source, *, faults: list, client: httpx.Client | None = None):
        self.source, self.faults = source, faults
        self.options = {**HTTP_DEFAULTS, **(source.options or {})}
        self.client = client

    def rows(self, *, since: datetime | None, keep: Callable[[dict], bool] | None = None) -> Iterator[tuple[str, dict]]:
        options = self.options
        headers = {"Accept": "application/json", "User-Agent": "IndustryBrain-Sync/1.0"}
        if self.source.token:
            headers[options["token_header"]] = f"{options['token_prefix']}{self.source.token}"
        client = self.client or httpx.Client(timeout=float(options["timeout"]), headers=headers)
        try:
            page, size = 1, int(options["page_size"])
            while True:
                params = {options["page_param"]: page, options["size_param"]: size}
                if since is not None:
                    params[options["since_param"]] = since.isoformat()
                body = self._get(client, params, page, headers)
                rows = dig(body, options["list_path"])
                if not isinstance(rows, list):
                    raise SourceError(_("Page %(page)s has no list at “%(path)s”.")
                                      % {"page": page, "path": options["list_path"]})
                for index, row in enumerate(rows, start=1):
                    yield f"p{page}#{index}", row
                total = dig(body, options["total_path"]) if options["total_path"] else None
                if not rows or len(rows) < size or (isinstance(total, int) and page * size >= total):
                    return
                page += 1
        finally:
            if self.client is None:
                client.close()

    def _get(self, client, params, page, headers):
        retries = int(self.options["retries"])
        base = float(getattr(settings, "GOV_SYNC_RETRY_BASE_SECONDS", 1.0))
        for attempt in range(retries + 1):
            try:
                response = client.get(self.source.url, params=params, headers=headers)
                if response.status_code in (401, 403):
                    raise SourceError(_("The department refused the token (HTTP %(status)s).")
                                      % {"status": response.status_code})
                if response.status_code >= 500 or response.status_code == 429:
                    raise _Retryable(f"HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise SourceError(_("Page %(page)s: HTTP %(status)s.") % {"page": page,
                                                                               "status": response.status_code})
                try:
                    body = response.json()
                except ValueError:
                    raise _Retryable("not JSON") from None
                code = body.get("code") if isinstance(body, dict) else None
                if code not in (None, 0, 200, "0", "200"):
                    raise _Retryable(f"code {code}: {str(body.get('msg', ''))[:100]}")
                return body
            except (httpx.TimeoutException, httpx.TransportError, _Retryable) as exc:
                problem = "timeout" if isinstance(exc, httpx.TimeoutException) else str(exc) or type(exc).__name__
                self.faults.append({"page": page, "attempt": attempt + 1, "error": problem})
                logger.warning("sync source %s page %s attempt %s: %s", self.source.pk, page, attempt + 1, problem)
                if attempt == retries:
                    raise SourceError(_("Page %(page)s failed %(times)s times, last: %(error)s.")
                                      % {"page": page, "times": retries + 1, "error": problem}) from exc
                time.sleep(base * 2 ** attempt)
        raise AssertionError("unreachable")


class _Retryable(Exception):
    pass


def drop_root() -> Path:
    return Path(settings.GOV_DATA_DROP_DIR).resolve()


def drop_folder(folder: str) -> Path | None:
    """The folder under GOV_DATA_DROP_DIR, or None if `folder` would leave it."""
    root = drop_root()
    path = (root / folder).resolve()
    return path if path == root or root in path.parents else None


class FileDropAdapter:
    """Every .csv (UTF-8, header row), .json (an array, or an object with `list_path`) and .jsonl file in the
    source's folder under GOV_DATA_DROP_DIR, by name. Files are not ordered by change, so the watermark is
    advanced once the whole folder was taken; `keep` drops rows older than the look-back before they count."""

    ordered = False

    def __init__(self, source, *, faults: list):
        self.source, self.faults = source, faults
        self.options = source.options or {}

    def rows(self, *, since: datetime | None, keep: Callable[[dict], bool] | None = None) -> Iterator[tuple[str, dict]]:
        folder = drop_folder(self.source.folder)
        if folder is None or not folder.is_dir():
            raise SourceError(_("The folder “%(folder)s” does not exist.") % {"folder": self.source.folder})
        for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FILE_SUFFIXES):
            for position, row in self._read(path):
                if keep is None or keep(row):
                    yield position, row

    def _read(self, path: Path):
        suffix = path.suffix.lower()
        try:
            if suffix == ".csv":
                with path.open(newline="", encoding="utf-8-sig") as handle:
                    for line, row in enumerate(csv.DictReader(handle), start=2):
                        yield f"{path.name}:{line}", row
            elif suffix == ".jsonl":
                with path.open(encoding="utf-8-sig") as handle:
                    for line, text in enumerate(handle, start=1):
                        if text.strip():
                            yield f"{path.name}:{line}", _json_or_text(text)
            else:
                body = json.loads(path.read_text(encoding="utf-8-sig"))
                rows = body if isinstance(body, list) else dig(body, self.options.get("list_path", "data.list"))
                if not isinstance(rows, list):
                    raise SourceError(_("%(file)s holds no list of rows.") % {"file": path.name})
                for index, row in enumerate(rows, start=1):
                    yield f"{path.name}#{index}", row
        except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
            raise SourceError(_("%(file)s could not be read: %(error)s") % {"file": path.name, "error": exc}) from exc


def _json_or_text(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # quarantined as "not an object", with the line as it was


def adapter_for(source, *, faults: list, client=None):
    if source.kind == "http_json":
        return HttpJsonAdapter(source, faults=faults, client=client)
    return FileDropAdapter(source, faults=faults)
