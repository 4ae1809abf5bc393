"""Serve the platform: migrate, load the demo, then run the ASGI server, a Celery worker and beat.

Started by `make run` (through config.local_stack, which provides PostgreSQL and Redis). Ctrl-C stops
all three processes; they are stopped in `finally`, not only from a signal handler.
"""

import os
import subprocess
import sys
import time

from config.local_stack import DATA, ROOT, interrupt_on_sigterm, log

HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    interrupt_on_sigterm()
    manage("migrate", "--noinput")
    manage("load_demo")
    python = sys.executable
    processes = []
    try:
        processes.append(subprocess.Popen(
            [python, "-m", "uvicorn", "config.asgi:application", "--host", HOST, "--port", PORT], cwd=ROOT))
        processes.append(subprocess.Popen(
            [python, "-m", "celery", "-A", "config", "worker", "-Q", "matching,sync,webhooks,default",
             "--concurrency", "2", "--loglevel", "INFO"], cwd=ROOT))
        processes.append(subprocess.Popen(
            [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
             "--schedule", str(DATA / "celerybeat-schedule")], cwd=ROOT))
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from tenants.demo import LOGINS, PASSWORD

        time.sleep(2)
        log(f"Industry Brain is running at http://{HOST}:{PORT}/  (API docs: /api/docs/)")
        log(f"Demo log-ins, password '{PASSWORD}' for all:")
        for username, role in LOGINS:
            log(f"  {username:<10} {role}")
        log("Press Ctrl-C to stop.")
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
