"""A stand-in for a market regulation registry's open-data API, for tests, the benchmark and the demo.

Real government endpoints are unreachable here, so this serves realistic paged JSON from a real local HTTP
server (stdlib, in a thread or its own process): `GET /api/v1/qyjbxx?updated_since=…&page=n&page_size=m` with
`Authorization: Bearer <token>`, answering `{"code": 0, "msg": "成功", "data": {"total": …, "page": …,
"list": [...]}}` in order of change (gxsj, then id). It misbehaves on request, like real ones do: a page that
times out, a page that answers 500 (or HTML) a few times, rows repeated across pages, a slow page, and data
with malformed credit codes. The adapter that talks to it is the production one (brain.sync.adapters).

    python -m brain.fake_registry --rows 2000 --port 8765     # serve made-up registry rows by hand
"""

import argparse
import json
import random
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tenants import credit_code

PATH = "/api/v1/qyjbxx"
TOKEN = "demo-registry-token"
MAPPING = {  # the field mapping a source needs for these rows
    "credit_code": "tyshxydm", "record_id": "tyshxydm", "as_of": "gxsj", "cursor": "gxsj", "deleted": "scbz",
    "attributes": {"legal_name": "qymc", "legal_representative": "fddbr", "registered_capital": "zczb",
                   "founded_on": "clrq", "status": "djzt", "address": "zs", "industry": "hydm"},
}

PREFIXES = ["台州市黄岩", "台州市路桥", "温岭市", "玉环市", "宁波市北仑", "余姚市", "慈溪市"]
WORDS = ["精诚", "宏达", "东方", "华丰", "永信", "恒泰", "金鼎", "瑞丰", "明辉", "新亚", "海峰", "天成", "博大", "鑫源"]
TRADES = [("模具", "C3525"), ("塑料制品", "C2929"), ("泵业", "C3441"), ("阀门", "C3443"), ("鞋业", "C1952"),
          ("机械", "C3489")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡林郑"
GIVEN = ["建国", "海峰", "晓东", "丽华", "志强", "国平", "美玲", "永康", "伟", "静"]
REGIONS = ["331003", "331004", "331081", "331083", "330206", "330281", "330282"]
STATUSES = ["存续", "存续", "存续", "存续", "在业", "迁出", "注销"]


def code_for(index: int, region: str) -> str:
    body = f"91{region}MA{index:07d}"[:17].replace("I", "1")
    return body + credit_code.check_character(body)


def registry_rows(count: int, **kwargs) -> list[dict]:
    return list(iter_registry_rows(count, **kwargs))


def iter_registry_rows(count: int, *, seed: int = 2026, start: datetime | None = None, bad_every: int = 0):
    """`count` made-up registry rows (one per enterprise), changes a few seconds apart from `start`. Every
    `bad_every`-th row has a broken credit code: alternately a wrong check character and a malformed one."""
    rng = random.Random(seed)
    start = start or datetime(2026, 1, 5, 8, 30)
    for index in range(count):
        region = REGIONS[index % len(REGIONS)]
        trade, industry = TRADES[rng.randrange(len(TRADES))]
        code = code_for(index + 1, region)
        if bad_every and index % bad_every == bad_every - 1:
            broken = (index // bad_every) % 2
            code = code[:17] + ("0" if code[17] != "0" else "1") if broken == 0 else code[:10] + "IO" + code[12:16]
        founded = datetime(1995, 1, 1) + timedelta(days=rng.randrange(10_000))
        yield {
            "id": index + 1,
            "tyshxydm": code,
            "qymc": f"{PREFIXES[index % len(PREFIXES)]}{rng.choice(WORDS)}{trade}有限公司",
            "fddbr": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "zczb": f"{rng.randrange(50, 5000) * 10}万元人民币",
            "clrq": founded.strftime("%Y-%m-%d"),
            "djzt": rng.choice(STATUSES),
            "zs": f"浙江省{PREFIXES[index % len(PREFIXES)]}区工业园{rng.randrange(1, 300)}号",
            "hydm": industry,
            "gxsj": (start + timedelta(seconds=3 * index)).strftime("%Y-%m-%d %H:%M:%S"),
            "scbz": "0",
        }


class FakeRegistry:
    """The server. Change `rows` and the fault settings between runs; `requests` logs what was asked.

    Faults: `timeout_pages` {page: times} answer after `timeout_delay` seconds (longer than the client waits);
    `error_pages` {page: times} answer 500; `html_pages` {page: times} answer 200 with an HTML error page;
    `slow_pages` {page: seconds} answer late but well; `repeat_across_pages`: the last row of each page is sent
    again at the top of the next (as a registry paging a list that shifts under it does).
    """

    def __init__(self, rows: list[dict] | None = None, *, token: str = TOKEN, max_page_size: int = 5000):
        self.rows = rows or []
        self.token, self.max_page_size = token, max_page_size
        self.timeout_pages: dict[int, int] = {}
        self.error_pages: dict[int, int] = {}
        self.html_pages: dict[int, int] = {}
        self.slow_pages: dict[int, float] = {}
        self.timeout_delay = 2.0
        self.repeat_across_pages = False
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- serving --

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def start(self, port: int = 0) -> "FakeRegistry":
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                registry._handle(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _take(self, faults: dict, page: int) -> bool:
        with self._lock:
            if faults.get(page, 0) > 0:
                faults[page] -= 1
                return True
            return False

    def _handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        page = int(query.get("page", "1") or 1) if query.get("page", "1").isdigit() else 0
        self.requests.append({"path": parts.path, "query": query, "auth": handler.headers.get("Authorization")})
        if parts.path != PATH:
            return self._send(handler, 404, {"code": 404, "msg": "接口不存在"})
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(handler, 401, {"code": 401, "msg": "令牌无效或已过期"})
        size = query.get("page_size", "100")
        if page < 1 or not size.isdigit() or not 1 <= int(size) <= self.max_page_size:
            return self._send(handler, 400, {"code": 400, "msg": "参数错误"})
        if self._take(self.timeout_pages, page):
            time.sleep(self.timeout_delay)
        if self._take(self.error_pages, page):
            return self._send(handler, 500, {"code": 500, "msg": "系统繁忙，请稍后再试"})
        if self._take(self.html_pages, page):
            return self._send_raw(handler, 200, "text/html; charset=utf-8", "<html><body>网关错误</body></html>")
        if page in self.slow_pages:
            time.sleep(self.slow_pages[page])
        since = query.get("updated_since")
        rows = self.rows_since(since)
        size = int(size)
        chunk = rows[(page - 1) * size: page * size]
        if self.repeat_across_pages and page > 1 and chunk:
            chunk = [rows[(page - 1) * size - 1], *chunk]
        self._send(handler, 200, {"code": 0, "msg": "成功", "data": {"total": len(rows), "page": page, "list": chunk}})

    def rows_since(self, since: str | None) -> list[dict]:
        rows = sorted(self.rows, key=lambda r: (r["gxsj"], r["id"]))
        if since:
            bound = _local(since)
            rows = [r for r in rows if r["gxsj"] >= bound]
        return rows

    def _send(self, handler, status: int, body: dict) -> None:
        self._send_raw(handler, status, "application/json; charset=utf-8", json.dumps(body, ensure_ascii=False))

    def _send_raw(self, handler, status: int, content_type: str, text: str) -> None:
        data = text.encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout fault): nothing to answer


def _local(since: str) -> str:
    """The registry keeps Beijing time as text: an ISO instant from the client in its terms."""
    moment = datetime.fromisoformat(since)
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--bad-every", type=int, default=250)
    args = parser.parse_args()
    registry = FakeRegistry(registry_rows(args.rows, bad_every=args.bad_every)).start(args.port)
    print(f"fake registry at {registry.url} (token {registry.token}), {args.rows} rows", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        registry.stop()


if __name__ == "__main__":
    main()
