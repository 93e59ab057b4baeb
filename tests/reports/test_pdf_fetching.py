"""The PDF renderer fetches nothing but data: URIs. Should user text ever reach a report's
HTML unescaped, it still could not make the worker read a file of the server or call an
address of its network (a server listening here counts the attempts)."""

from __future__ import annotations

import base64
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reports.render import document_of

# A red pixel.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
        "0000000c4944415408d763f8cfc000000301010018dd8db40000000049454e44ae426082"
    )
).decode()


@pytest.fixture
def listener():
    """A web server on this machine that records every request it gets."""
    requests: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(base64.b64decode(PNG))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def test_no_url_is_fetched_but_data(listener, tmp_path):
    base, requests = listener
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <link rel="stylesheet" href="file://{secret}">
      <style>@import url("{base}/imported.css"); p {{ background: url("{base}/bg.png") }}</style>
      </head><body>
      <p>Report</p>
      <img src="{base}/tracker.png"><img src="file:///etc/hostname"><img src="../etc/passwd">
      <img src="data:image/png;base64,{PNG}" alt="chart">
    </body></html>"""

    document = document_of(html)

    assert requests == [], "the renderer called this machine's web server"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(document.write_pdf())
    assert shutil.which("pdfimages"), "Debian's poppler-utils"
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert len(listed) == 1, "only the data: image is drawn"
