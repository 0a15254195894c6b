"""`make run`: the web server, a Celery worker and the beat scheduler, stopped together by Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("PORTAL_PORT", "8000")

COMMANDS = {
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
    "worker": [str(BIN / "celery"), "-A", "portal_project", "worker", "--loglevel=INFO", "--concurrency=2"],
    "beat": [
        str(BIN / "celery"),
        "-A",
        "portal_project",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        str(ROOT / "var" / "celerybeat-schedule"),
    ],
}


def main():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal_project.settings.dev"),
    }
    env["PORTAL_PORT"] = PORT
    processes = {name: subprocess.Popen(command, cwd=ROOT, env=env) for name, command in COMMANDS.items()}
    broker = "Redis" if env.get("REDIS_URL") else "本地文件队列（无需服务器）"
    print(
        f"\n已启动：网站 http://www.jimo.localhost:{PORT}/ （也可访问 http://127.0.0.1:{PORT}/），"
        f"后台任务与定时任务使用 {broker}。按 Ctrl-C 全部停止。\n",
        flush=True,
    )

    def stop(*_args):
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} 进程已退出（代码 {process.returncode}），正在停止其余进程。", flush=True)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
