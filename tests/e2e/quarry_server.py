"""A `quarry serve` child process and an HTTP client for the end-to-end tests.

`Server` starts the real binary on 127.0.0.1 with `--port 0` over a data
directory the caller owns, waits for its "listening on URL" line, and sends
one request per connection. Its stderr goes to a log file (appended across
restarts) that tests print on failure.

Thread-safety: a Server is driven by one thread, except `request` and `raw`,
which open their own connection and may be called from any thread.
Python 3 standard library only.
"""

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

# Liveness bounds: how long to wait before calling something hung. Healthy runs
# take a fraction of these; no test asserts how fast anything is.
START_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 30
SOCKET_TIMEOUT_S = 20


def quarry_bin():
    path = os.environ.get("QUARRY_BIN")
    if not path:
        script = os.path.relpath(sys.argv[0]) if sys.argv and sys.argv[0] else "TEST.py"
        sys.exit("QUARRY_BIN is not set: point it at the quarry binary, e.g. "
                 f"QUARRY_BIN=build/quarry /usr/bin/python3 {script}")
    if not os.access(path, os.X_OK):
        sys.exit(f"QUARRY_BIN={path!r} is not an executable file")
    return path


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"<Reply {self.status} {self.body[:300]!r}>"


class Server:
    """A `quarry serve` child process on 127.0.0.1 with an ephemeral port."""

    def __init__(self, data_dir, log_path, *extra_args):
        self.data_dir = data_dir
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.url = None

    def start(self):
        args = [quarry_bin(), "serve", "--data", self.data_dir, "--host", "127.0.0.1",
                "--port", "0", *self.extra_args]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log)
        lines = queue.Queue()

        def pump():
            for raw in self.proc.stdout:
                lines.put(raw.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        seen = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise AssertionError(f"server did not print its address in time; stdout: {seen}"
                                     f"\nstderr:\n{self.log_text()}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                code = self.proc.wait(timeout=EXIT_TIMEOUT_S)
                self._close_files()
                raise AssertionError(f"server exited with {code} before listening; stdout: "
                                     f"{seen}\nstderr:\n{self.log_text()}")
            seen.append(line)
            match = re.search(r"listening on (http://127\.0\.0\.1:(\d+))", line)
            if match:
                self.url = match.group(1)
                self.port = int(match.group(2))
                return self

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig` and returns the exit code (None if the process hung)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self._close_files()

    def stop_cleanly(self):
        """SIGTERM, then raises AssertionError (with the log's tail) unless the
        server exited 0; the process is gone afterwards either way."""
        try:
            code = self.stop(signal.SIGTERM)
            if code != 0:
                raise AssertionError(f"server exited with {code} on SIGTERM; stderr:\n"
                                     f"{self.log_text()[-4000:]}")
        finally:
            self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_files()

    def _close_files(self):
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        if getattr(self, "_log", None):
            self._log.close()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SOCKET_TIMEOUT_S)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                         data)
        finally:
            conn.close()

    def raw(self, payload, read_all=True):
        """Sends raw bytes; returns what the server sends until it closes.

        Raises socket.timeout if the server neither answers nor closes: a hang.
        """
        with socket.create_connection(("127.0.0.1", self.port), timeout=SOCKET_TIMEOUT_S) as s:
            s.sendall(payload)
            chunks = []
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
                if not read_all:
                    break
            return b"".join(chunks)


class OneServerTestCase(unittest.TestCase):
    """Starts one server for the whole test class (sharing keeps a suite quick)
    over a fresh temporary data directory; `server_args` are its extra flags."""

    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="quarry-http-e2e-")
        cls.server = Server(os.path.join(cls._tmp.name, "data"),
                            os.path.join(cls._tmp.name, "server.log"), *cls.server_args)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop_cleanly()
        finally:
            cls._tmp.cleanup()
