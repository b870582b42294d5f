"""--push against a fake Hugging Face Hub on 127.0.0.1: the HTTP boundary, never the network."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from conftest import SEEDS, build_args, run_cli


class FakeHub(BaseHTTPRequestHandler):
    """Just enough of the Hub's API for create_repo + upload_folder with small files."""

    requests: ClassVar[list] = []
    files: ClassVar[dict] = {}

    def log_message(self, *args):
        pass

    def _reply(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.requests.append(("POST", self.path, self.headers.get("Authorization")))
        if self.path == "/api/repos/create":
            request = json.loads(body)
            return self._reply(
                200, {"url": f"http://{self.headers['Host']}/datasets/{request.get('organization')}/{request['name']}"}
            )
        if self.path == "/api/validate-yaml":
            return self._reply(200, {"errors": [], "warnings": []})
        if "/preupload/" in self.path:
            files = json.loads(body)["files"]
            return self._reply(
                200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]}
            )
        if "/commit/" in self.path:
            for line in body.decode().splitlines():
                item = json.loads(line)
                if item.get("key") == "file":
                    value = item["value"]
                    self.files[value["path"]] = base64.b64decode(value["content"])
            return self._reply(
                200,
                {
                    "commitUrl": f"http://{self.headers['Host']}/datasets/me/corpus/commit/{'a' * 40}",
                    "commitOid": "a" * 40,
                },
            )
        return self._reply(404, {"error": f"unexpected POST {self.path}"})

    def do_GET(self):
        self.requests.append(("GET", self.path, self.headers.get("Authorization")))
        return self._reply(404, {"error": f"unexpected GET {self.path}"})


@pytest.fixture
def hub():
    FakeHub.requests, FakeHub.files = [], {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_push_uploads_every_file_with_the_token(hub, test_store, tmp_path):
    output = tmp_path / "corpus"
    env = {
        "ALIGN_MODELS": str(test_store),
        "HF_ENDPOINT": hub,
        "HF_TOKEN": "hf_test_token",
        "HF_HUB_DISABLE_TELEMETRY": "1",
    }
    args = build_args(SEEDS, output, "--push", "me/corpus", decoding=4)
    refused = run_cli(*args, env=env)
    assert refused.returncode == 1 and "TEST MODEL" in refused.stderr and "--allow-test-model" in refused.stderr
    assert FakeHub.requests == []  # a test-model corpus goes nowhere by default
    result = run_cli(*args, "--allow-test-model", env=env)
    assert result.returncode == 0, result.stderr
    assert "pushed to" in result.stderr
    local = {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert FakeHub.files == local
    assert all(auth == "Bearer hf_test_token" for _, _, auth in FakeHub.requests)


def test_push_without_token_is_one_clear_line(tmp_path, test_store):
    output = tmp_path / "corpus"
    result = run_cli(
        *build_args(SEEDS, output, "--push", "me/corpus", decoding=4),
        env={"ALIGN_MODELS": str(test_store), "HF_TOKEN": "", "HF_ENDPOINT": "http://127.0.0.1:9"},
    )
    assert result.returncode != 0 and "HF_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert not output.exists()  # found before the build, not after an hour of work


def test_push_refuses_a_corpus_that_fails_verification(tmp_path, test_store, hub):
    from align.hub import PushError, push_to_hub

    output = tmp_path / "corpus"
    assert run_cli(*build_args(SEEDS, output, decoding=4), env={"ALIGN_MODELS": str(test_store)}).returncode == 0
    (output / "README.md").write_text("tampered", encoding="utf-8")
    with pytest.raises(PushError, match="does not match its manifest"):
        push_to_hub(output, "me/corpus", token="t")
    assert FakeHub.requests == []
