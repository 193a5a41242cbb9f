"""A `quarry serve` child process that the crash test kills and restarts.

The server runs in its own process group on 127.0.0.1 with an ephemeral port;
`kill()` sends SIGKILL to the whole group and reaps it. Its stderr goes to a
file (appended across restarts) that the driver prints on failure.

Thread-safety: one ServerProcess is driven by one thread; `Client` objects are
per thread.
"""

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:")


class ServerError(Exception):
    """The server did not start, or exited when nobody killed it."""


class ServerProcess:
    def __init__(self, binary, data_dir, stderr_path, start_timeout_s):
        self.binary = binary
        self.data_dir = data_dir
        self.stderr_path = stderr_path
        self.start_timeout_s = start_timeout_s
        self.proc = None
        self.port = None
        self._stderr = None
        self._listening = None

    def spawn(self):
        """Starts the process; returns without waiting for it to listen."""
        assert self.proc is None or self.proc.poll() is not None
        self.port = None
        self._stderr = open(self.stderr_path, "ab")
        self._stderr.write(f"--- quarry serve started at {time.time():.3f}\n".encode())
        self._stderr.flush()
        args = [self.binary, "serve", "--data", self.data_dir, "--host", "127.0.0.1",
                "--port", "0"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr, start_new_session=True)
        self._listening = queue.Queue()
        proc, lines = self.proc, self._listening

        def pump():
            for raw in proc.stdout:
                match = LISTENING.search(raw.decode("utf-8", "replace"))
                if match:
                    lines.put(int(match.group(1)))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()

    def wait_listening(self):
        """Waits for the "listening on" line. Raises ServerError if the
        process exits first or does not listen within the start timeout."""
        try:
            port = self._listening.get(timeout=self.start_timeout_s)
        except queue.Empty:
            self.kill()
            raise ServerError(f"the server did not listen within {self.start_timeout_s} s")
        if port is None:
            code = self.proc.wait(timeout=self.start_timeout_s)
            raise ServerError(f"the server exited with code {code} before listening")
        self.port = port
        return port

    def listening_now(self):
        """True if the "listening on" line has already been printed."""
        return self.port is not None or not self._listening.empty()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILLs the whole process group and reaps the server."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._close()

    def terminate(self, timeout_s):
        """SIGTERM, then wait; returns the exit code (SIGKILL if it hangs)."""
        if self.proc is None or self.proc.poll() is not None:
            self._close()
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self._close()

    def _close(self):
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def stderr_report(self, limit=8000):
        """What to show on failure: the first sanitizer report if there is
        one, else the end of stderr without the access log lines."""
        try:
            with open(self.stderr_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        lines = [line for line in text.splitlines() if '"msg":"access"' not in line]
        for i, line in enumerate(lines):
            if SANITIZER_REPORT.search(line):
                return "\n".join(lines[max(0, i - 2):i + 60])[:limit]
        return "\n".join(lines)[-limit:]


class Reply:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<HTTP {self.status} {self.body[:300]!r}>"


class Client:
    """A keep-alive HTTP/1.1 connection with a timeout on every call. Any
    transport error closes it (the next call reconnects) and propagates."""

    def __init__(self, port, timeout_s):
        self.port = port
        self.timeout_s = timeout_s
        self._conn = None

    def request(self, method, path, body=None):
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                    timeout=self.timeout_s)
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            self._conn.request(method, path, body=data, headers=headers)
            response = self._conn.getresponse()
            payload = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return Reply(response.status, payload)

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None
