"""Issue 14, finding 1 (device half): no password in clear, certificate failures named as such.

The device refuses `http://` to any machine but itself unless a lab allows it, reports a
certificate it does not trust at once and in plain words (a real TLS central store on
127.0.0.1 with a `trustme` test CA), trusts a configured CA bundle, and treats a 429 with
`Retry-After` as "busy, come back", not as a fault.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import trustme

from fieldapp.app.syncing import server_trust
from fieldapp.cli import main
from fieldapp.sync.errors import (
    CertificateNotTrusted,
    InsecureAddress,
    NotAnAddress,
    ServerUnreachable,
    SignInRefused,
)
from fieldapp.sync.transport import RetryPolicy, ServerTrust, is_loopback
from tests.support.central import running_central
from tests.support.sync import (
    PASSWORD,
    FakeTime,
    client_for,
    finalize_some,
    open_device,
    transport_wrapping,
)


def _recording(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"code": "bad_credentials", "message": {"nl": "Nee.", "en": "No."}}
        return httpx.Response(401, json=body, request=request)

    return httpx.MockTransport(answer)


def test_finding_1_plain_http_to_another_machine_is_refused_before_anything_is_sent(
    tmp_path: Path,
) -> None:
    profile = open_device(tmp_path, "elif.yildiz")
    seen: list[httpx.Request] = []
    fake = FakeTime()
    with (
        client_for(profile, "http://192.0.2.10:8765", fake=fake, transport=_recording(seen)) as c,
        pytest.raises(InsecureAddress) as raised,
    ):
        c.sync_once()
    assert seen == [] and fake.delays == []  # not even the sign-in with the password
    assert "unencrypted http" in raised.value.text("en")
    assert "--allow-insecure-http" in raised.value.text("en")
    assert "onversleuteld http" in raised.value.text("nl")
    assert raised.value.report is not None

    # A lab that says so explicitly may use plain http; the request then does go out.
    lab = ServerTrust(allow_insecure_http=True)
    with (
        client_for(profile, "http://192.0.2.10:8765", transport=_recording(seen), trust=lab) as c,
        pytest.raises(SignInRefused),
    ):
        c.sync_once()
    assert [request.url.path for request in seen] == ["/v1/auth/token"]
    profile.close()


def test_finding_1_only_this_machine_counts_as_loopback() -> None:
    for host in ("127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("10.0.0.1", "192.168.1.20", "example.org", "localhost.example.org", "0.0.0.0"):
        assert not is_loopback(host), host
    trust = ServerTrust()
    assert trust.address_problem("http://127.0.0.1:8765") is None
    assert trust.address_problem("https://central.example.org") is None
    assert trust.address_problem("http://central.example.org") is not None
    assert trust.address_problem("ftp://127.0.0.1") is not None


def test_finding_1_the_sync_verb_refuses_plain_http_and_names_the_lab_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    open_device(tmp_path, "emre.kaya").close()
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    code = main(
        ["sync", "--home", str(tmp_path), "--user", "emre.kaya", "--server", "http://192.0.2.7"]
    )
    assert code == 1
    assert "--allow-insecure-http" in capsys.readouterr().err
    assert server_trust(tmp_path, allow_insecure_http=True).allow_insecure_http
    monkeypatch.setenv("FIELDAPP_ALLOW_INSECURE_HTTP", "1")
    monkeypatch.setenv("FIELDAPP_CA_BUNDLE", "/etc/ca.pem")
    assert server_trust(tmp_path) == ServerTrust(allow_insecure_http=True, ca_bundle="/etc/ca.pem")


@pytest.mark.parametrize("address", ["127.0.0.1:9", "localhost:8765", "store.example.org"])
def test_an_address_without_https_was_told_it_used_unencrypted_http(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    address: str,
) -> None:
    """Before: `--server 127.0.0.1:9` (no http:// in front) was refused as "unencrypted
    http to another computer", pointing at a lab flag that would not have helped. The
    message now asks for the whole address."""
    open_device(tmp_path, "emre.kaya").close()
    monkeypatch.setenv("FIELDAPP_PASSWORD", PASSWORD)
    monkeypatch.setenv("FIELDAPP_LANGUAGE", "en")
    code = main(["sync", "--home", str(tmp_path), "--user", "emre.kaya", "--server", address])
    assert code == 1
    said = capsys.readouterr().err
    assert f"{address} is not a whole address" in said, said
    assert "unencrypted" not in said and "--allow-insecure-http" not in said
    assert isinstance(ServerTrust(allow_insecure_http=True).address_problem(address), NotAnAddress)


def test_finding_1_an_untrusted_certificate_is_reported_as_such_at_once(tmp_path: Path) -> None:
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    ca, certfile, keyfile = tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key"
    authority.cert_pem.write_to_path(str(ca))
    for number, pem in enumerate(issued.cert_chain_pems):
        pem.write_to_path(str(certfile), append=number > 0)
    issued.private_key_pem.write_to_path(str(keyfile))
    profile = open_device(tmp_path / "device", "sanne.dekker")
    finalize_some(profile, 1, seed=7)
    with running_central(
        "sqlite", tmp_path / "central", "trust", certfile=certfile, keyfile=keyfile
    ) as central:
        assert central.url.startswith("https://127.0.0.1:")
        fake = FakeTime()
        with client_for(profile, central.url, fake=fake) as client:
            with pytest.raises(CertificateNotTrusted) as raised:
                client.sync_once()
            assert fake.delays == []  # no retries: a certificate does not get trusted later
            assert not isinstance(raised.value, ServerUnreachable)
            assert "certificate is not trusted" in raised.value.text("en")
            assert "certificaat van de server wordt niet vertrouwd" in raised.value.text("nl")
            assert client.status().pending == 1
        # With the CA configured the same server is trusted and the sync goes through.
        with client_for(profile, central.url, trust=ServerTrust(ca_bundle=str(ca))) as client:
            report = client.sync_once()
        assert report.complete and len(report.sent) == 1
    profile.close()


def _throttling(
    times: int, retry_after: str
) -> Callable[[httpx.Request, Callable[[httpx.Request], httpx.Response]], httpx.Response]:
    left = [times]

    def answer(
        request: httpx.Request, forward: Callable[[httpx.Request], httpx.Response]
    ) -> httpx.Response:
        if request.url.path == "/v1/auth/token" and left[0] > 0:
            left[0] -= 1
            body = {"code": "throttled", "message": {"nl": "Later.", "en": "Later."}}
            return httpx.Response(
                429, json=body, headers={"Retry-After": retry_after}, request=request
            )
        return forward(request)

    return answer


def test_finding_1_a_429_with_retry_after_is_waited_out_like_a_503(tmp_path: Path) -> None:
    profile = open_device(tmp_path / "device", "elif.yildiz")
    finalize_some(profile, 1, seed=9)
    policy = RetryPolicy(attempts=6, first_delay=0.5, budget=60.0, max_retry_after=60.0)
    with running_central("sqlite", tmp_path / "central", "busy") as central:
        fake = FakeTime()
        wrapping = transport_wrapping(_throttling(2, "7"))
        with client_for(profile, central.url, fake=fake, retry=policy, transport=wrapping) as c:
            report = c.sync_once()
        assert fake.delays == [7.0, 7.0]  # waited as asked, then went on
        assert report.complete and len(report.sent) == 1

        # Asked to come back in an hour: no hour-long wait and no "the server has a
        # problem", but "busy", and the sync tries again at its next turn.
        finalize_some(profile, 1, seed=10)
        fake = FakeTime()
        wrapping = transport_wrapping(_throttling(1, "3600"))
        with (
            client_for(profile, central.url, fake=fake, retry=policy, transport=wrapping) as c,
            pytest.raises(ServerUnreachable) as raised,
        ):
            c.sync_once()
        assert fake.delays == []
        assert raised.value.busy
        assert "busy" in raised.value.text("en") and "druk" in raised.value.text("nl")
        with client_for(profile, central.url) as c:
            assert c.sync_once().complete
    profile.close()
