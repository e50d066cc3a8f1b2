"""A real Chroma server (``chroma run``) in a subprocess, for server-mode tests.

    with ChromaServer(tmp_path / "chroma") as server:
        client = chromadb.HttpClient(host=server.host, port=server.port)

The server's output goes to a temporary log file (removed on stop); its tail is quoted in
the error when the server dies or does not answer its heartbeat in time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def chroma_executable() -> str:
    """The ``chroma`` CLI of the running interpreter's environment, else the one on PATH."""
    beside = Path(sys.executable).parent / "chroma"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("chroma")
    if found:
        return found
    raise RuntimeError(f"The chroma CLI was found neither at {beside} nor on PATH (pip install chromadb)")


class ChromaServer:
    """Start ``chroma run --path DIR --port N --host 127.0.0.1``; stop it on exit."""

    def __init__(self, path: Path | str, port: int | None = None, startup_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.host = HOST
        self.port = port or free_port()
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def heartbeat_url(self) -> str:
        return f"{self.url}/api/v2/heartbeat"

    def output(self, limit: int = 4000) -> str:
        """The tail of what the server printed so far."""
        if self._log is None:
            return ""
        self._log.flush()
        try:
            text = Path(self._log.name).read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""
        return text[-limit:]

    def start(self) -> Self:
        self.path.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
        self._log = tempfile.NamedTemporaryFile(prefix="chroma-server-", suffix=".log", delete=False)
        cmd = [chroma_executable(), "run", "--path", str(self.path), "--port", str(self.port), "--host", self.host]
        self.process = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            self._wait_ready(cmd)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, cmd: list[str]) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout_s
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(
                    f"Chroma server exited with code {code} before answering ({' '.join(cmd)}):\n{self.output()}"
                )
            try:
                if httpx.get(self.heartbeat_url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError as exc:
                last_error = exc
            time.sleep(0.2)
        raise RuntimeError(
            f"Chroma server did not answer {self.heartbeat_url} within {self.startup_timeout_s:.0f} s "
            f"(last error: {last_error!r}; {' '.join(cmd)}):\n{self.output()}"
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            Path(self._log.name).unlink(missing_ok=True)
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
