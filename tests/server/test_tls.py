"""Issue 14, finding 1 (server half): the central store serves HTTPS itself.

A test CA (trustme) issues a certificate for 127.0.0.1; the server is started with it,
in process and as `fieldapp server --certfile --keyfile`, and answered over TLS only to a
client that trusts the CA.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import trustme

from fieldapp.core.locations import PROJECT_ROOT
from tests.support.central import BOA, make_version, push, running_central


@dataclass(frozen=True)
class Certificates:
    ca: Path
    certfile: Path
    keyfile: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    found = Certificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    authority.cert_pem.write_to_path(str(found.ca))
    issued.cert_chain_pems[0].write_to_path(str(found.certfile))
    for extra in issued.cert_chain_pems[1:]:
        extra.write_to_path(str(found.certfile), append=True)
    issued.private_key_pem.write_to_path(str(found.keyfile))
    return found


def test_finding_1_the_server_serves_https_with_its_certificate(
    certificates: Certificates, tmp_path: Path
) -> None:
    with running_central(
        "sqlite", tmp_path, "tls", certfile=certificates.certfile, keyfile=certificates.keyfile
    ) as central:
        assert central.url.startswith("https://127.0.0.1:")
        context = certificates.client_context()
        with httpx.Client(base_url=central.url, verify=context, timeout=30) as client:
            assert client.get("/v1/health").status_code == 200
            signed_in = client.post("/v1/auth/token", json={"username": BOA, "password": "demo"})
            assert signed_in.status_code == 200
            client.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
            assert push(client, make_version(BOA)).status_code == 201
        # A client that does not trust the CA is refused by its own TLS check.
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{central.url}/v1/health", timeout=10)
        # Plain HTTP to the TLS port gets no answer from the API.
        plain = central.url.replace("https://", "http://")
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{plain}/v1/health", timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_finding_1_the_server_verb_takes_certfile_and_keyfile(
    certificates: Certificates, tmp_path: Path
) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "server",
            "--home",
            str(tmp_path),
            "--port",
            str(port),
            "--certfile",
            str(certificates.certfile),
            "--keyfile",
            str(certificates.keyfile),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"https://127.0.0.1:{port}/v1/health"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                answer = httpx.get(url, verify=certificates.client_context(), timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert answer.status_code == 200
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert f"listening on https://127.0.0.1:{port}".encode() in output
    # The verb logs JSON lines, one per request.
    requests = [
        json.loads(line)
        for line in output.decode().splitlines()
        if line.startswith("{") and '"fieldapp.server.requests"' in line
    ]
    assert any(r["route"] == "/v1/health" and r["status"] == 200 for r in requests), output
