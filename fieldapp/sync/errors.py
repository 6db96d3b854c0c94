"""Every error of the device's sync, with the sentence a person reads for it.

Two kinds: what the central store answered on one request (`Refusal`, `GaveUp`,
`BadAnswer`), which the sync client turns into a reason on an outbox row or into a
`SyncError`; and `SyncError`, a whole sync that could not go on, which is an error of the
world (`fieldapp.core.errors.FieldappError`) that the app shows and the CLI prints::

    Exception
    ├── Refusal              a 4xx (or other non-retried) answer, with the server's ErrorBody
    ├── GaveUp               retries ran out: network errors, 5xx, 408, 429
    ├── BadAnswer            a success status whose body does not say what it should
    └── FieldappError
        └── SyncError        a sync that could not go on; `report` says what it did
            ├── ServerUnreachable   the network or the server stayed down (or was busy)
            ├── CertificateNotTrusted  the server's TLS certificate did not verify
            ├── InsecureAddress     plain http:// to another machine, not allowed
            ├── NotAnAddress        no http:// or https:// in front (127.0.0.1:8765)
            ├── SignInRefused       the central store refused the username or password
            ├── AccountDeactivated  an administrator deactivated the account (profile locked)
            ├── ClientTooOld        the server wants a newer fieldapp
            └── SyncCancelled       the person stopped the sync (`CentralLine.cancel`)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.core.errors import FieldappError
from fieldapp.core.texts import Text
from fieldapp.protocol.models import ErrorBody, ErrorCode, Message

if TYPE_CHECKING:
    from fieldapp.sync.report import SyncReport

__all__ = [
    "AccountDeactivated",
    "BadAnswer",
    "CertificateNotTrusted",
    "ClientTooOld",
    "GaveUp",
    "InsecureAddress",
    "NotAnAddress",
    "Refusal",
    "ServerUnreachable",
    "SignInRefused",
    "SyncCancelled",
    "SyncError",
]

_UNREACHABLE = Text(
    nl="De centrale opslag is niet bereikbaar; het apparaat probeert het later opnieuw. "
    "Er gaat niets verloren.",
    en="The central store cannot be reached; the device will try again later. Nothing is lost.",
)
_SERVER_PROBLEM = Text(
    nl="De centrale opslag heeft een storing; het apparaat probeert het later opnieuw. "
    "Er gaat niets verloren.",
    en="The central store has a problem; the device will try again later. Nothing is lost.",
)
_BUSY = Text(
    nl="De centrale opslag is op dit moment druk; het apparaat probeert het later opnieuw. "
    "Er gaat niets verloren.",
    en="The central store is busy right now; the device will try again later. Nothing is lost.",
)
_SERVER_WAS_BUSY = Text(
    nl="De centrale opslag was druk; wordt later opnieuw geprobeerd.",
    en="The central store was busy; will try again later.",
)
_NOT_TRUSTED = Text(
    nl="Het certificaat van de server wordt niet vertrouwd ({url}). Controleer het adres; "
    "gebruikt uw organisatie een eigen certificaatautoriteit, stel die dan in "
    "(FIELDAPP_CA_BUNDLE of de instelling ca_bundle). Er is niets verzonden.",
    en="The server's certificate is not trusted ({url}). Check the address; if your "
    "organisation uses its own certificate authority, configure it (FIELDAPP_CA_BUNDLE or "
    "the ca_bundle setting). Nothing was sent.",
)
_INSECURE = Text(
    nl="Het adres {url} gebruikt onversleuteld http naar een andere computer; dan gaan "
    "wachtwoord en gegevens leesbaar over het netwerk. Gebruik https://. Alleen in een "
    "testnetwerk kan onversleuteld http worden toegestaan (--allow-insecure-http of de "
    "instelling allow_insecure_http). Er is niets verzonden.",
    en="The address {url} uses unencrypted http to another computer; the password and the "
    "data would cross the network readable. Use https://. Only in a lab network can plain "
    "http be allowed (--allow-insecure-http or the allow_insecure_http setting). Nothing "
    "was sent.",
)
_NOT_AN_ADDRESS = Text(
    nl="{url} is geen volledig adres: het begint niet met https:// (of http:// op deze "
    "computer). Schrijf het hele adres, zoals https://opslag.example.nl. Er is niets "
    "verzonden.",
    en="{url} is not a whole address: it does not start with https:// (or http:// on this "
    "computer). Write the whole address, such as https://store.example.org. Nothing was "
    "sent.",
)
_SIGN_IN_REFUSED = Text(
    nl="De centrale opslag accepteert de gebruikersnaam of het wachtwoord van {username} "
    "niet. Controleer het wachtwoord en probeer het opnieuw.",
    en="The central store does not accept the username or password of {username}. Check "
    "the password and try again.",
)
_DEACTIVATED = Text(
    nl="De centrale opslag meldt dat het account {username} is gedeactiveerd; het profiel "
    "op dit apparaat is vergrendeld. Neem contact op met uw beheerder; er gaat niets verloren.",
    en="The central store says the account {username} was deactivated; its profile on this "
    "device is locked. Contact your administrator; nothing is lost.",
)
_TOO_OLD = Text(
    nl="Deze versie van fieldapp ({ours}) is te oud voor de centrale opslag; versie {needed} "
    "of nieuwer is nodig. Werk de app bij; uw werk blijft bewaard.",
    en="This version of fieldapp ({ours}) is too old for the central store; version {needed} "
    "or newer is needed. Please update; your work is kept.",
)
_REFUSED = Text(
    nl="De centrale opslag weigerde het verzoek (status {status}).",
    en="The central store refused the request (status {status}).",
)
_CONNECTION_KEPT_FAILING = Text(
    nl="De verbinding met de centrale opslag viel steeds weg; wordt later opnieuw geprobeerd.",
    en="The connection to the central store kept failing; will try again later.",
)
_ASKED_UNREACHABLE = Text(
    nl="De centrale opslag is niet bereikbaar (de verbinding viel steeds weg). Probeer het "
    "opnieuw als er verbinding is.",
    en="The central store cannot be reached (the connection kept failing). Try again when "
    "you are online.",
)
_ASKED_SERVER_PROBLEM = Text(
    nl="De centrale opslag heeft een storing. Probeer het over een paar minuten opnieuw.",
    en="The central store has a problem. Try again in a few minutes.",
)
_ASKED_BUSY = Text(
    nl="De centrale opslag is op dit moment druk. Probeer het over een paar minuten opnieuw.",
    en="The central store is busy right now. Try again in a few minutes.",
)
_SERVER_HAD_PROBLEM = Text(
    nl="De centrale opslag had een storing; wordt later opnieuw geprobeerd.",
    en="The central store had a problem; will try again later.",
)
_CANCELLED = Text(
    nl="De synchronisatie is afgebroken. Er gaat niets verloren: wat nog niet verzonden "
    "was, gaat mee met de volgende synchronisatie.",
    en="The sync was cancelled. Nothing is lost: what was not sent yet goes with the next sync.",
)
_UNEXPECTED_ANSWER = Text(
    nl="De centrale opslag gaf een onverwacht antwoord; wordt later opnieuw geprobeerd.",
    en="The central store gave an unexpected answer; will try again later.",
)


# --- one request -----------------------------------------------------------------------------


class Refusal(Exception):
    """An answer that is not retried: the status and the server's body (when readable)."""

    def __init__(self, status: int, body: ErrorBody | None, method: str, path: str) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{method} {path}: {status} {body.code.value if body else '?'}")

    @property
    def code(self) -> ErrorCode | None:
        return self.body.code if self.body is not None else None

    @property
    def message(self) -> Text:
        """The server's sentence, or a plain one made from the status."""
        if self.body is not None:
            return Text.of(self.body.message)
        return _REFUSED.format(status=self.status)


class GaveUp(Exception):
    """Retries ran out on a retryable answer (5xx, 408, 429) or a network error."""

    def __init__(self, reason: str, network: bool, *, busy: bool = False) -> None:
        super().__init__(reason)
        #: True when the last failure was the network (the server is likely unreachable).
        self.network = network
        #: True when the server said "too many requests, come back later" (429).
        self.busy = busy

    @property
    def message(self) -> Text:
        if self.busy:
            return _SERVER_WAS_BUSY
        return _CONNECTION_KEPT_FAILING if self.network else _SERVER_HAD_PROBLEM

    @property
    def asked_message(self) -> Text:
        """The sentence for a person who asked and waits (a report, the review desk).

        `message` promises that the sync tries again later, which is true of an outbox
        row; nothing retries a report or a look at the inbox, so this one says to.
        """
        if self.busy:
            return _ASKED_BUSY
        return _ASKED_UNREACHABLE if self.network else _ASKED_SERVER_PROBLEM


class BadAnswer(Exception):
    """An answer with a success status that does not say what it should."""

    @property
    def message(self) -> Text:
        return _UNEXPECTED_ANSWER


# --- a whole sync ----------------------------------------------------------------------------


class SyncError(FieldappError):
    """A sync that could not go on; the sentence says why in plain words.

    `report` is the `SyncReport` of the sync it stopped (what was sent up to then).
    """

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.report: SyncReport | None = None

    @property
    def as_message(self) -> Message:
        return Message(nl=self.message.nl, en=self.message.en)


class ServerUnreachable(SyncError):
    """The network or the server stayed down (or kept failing) through every retry."""

    def __init__(self, detail: str, *, network: bool = True, busy: bool = False) -> None:
        super().__init__(_BUSY if busy else _UNREACHABLE if network else _SERVER_PROBLEM)
        self.detail = detail
        self.network = network
        self.busy = busy


class CertificateNotTrusted(SyncError):
    """The server's TLS certificate did not verify: not retried, nothing was sent."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(_NOT_TRUSTED.format(url=url))
        self.detail = detail


class InsecureAddress(SyncError):
    """Plain `http://` to a host other than this machine, without the lab's permission."""

    def __init__(self, url: str) -> None:
        super().__init__(_INSECURE.format(url=url))
        self.url = url


class NotAnAddress(SyncError):
    """An address without http:// or https:// in front: told as such, not as plain http."""

    def __init__(self, url: str) -> None:
        super().__init__(_NOT_AN_ADDRESS.format(url=url))
        self.url = url


class SignInRefused(SyncError):
    """The central store did not accept the username or password."""

    def __init__(self, username: str) -> None:
        super().__init__(_SIGN_IN_REFUSED.format(username=username))
        self.username = username


class AccountDeactivated(SyncError):
    """The password was right, but an administrator deactivated the account."""

    def __init__(self, username: str) -> None:
        super().__init__(_DEACTIVATED.format(username=username))
        self.username = username


class ClientTooOld(SyncError):
    """The server asks for a newer fieldapp before it syncs with this one."""

    def __init__(self, ours: str, needed: str) -> None:
        super().__init__(_TOO_OLD.format(ours=ours, needed=needed))


class SyncCancelled(SyncError):
    """The person cancelled the sync; the request under way was cut off.

    Nothing is lost or sent twice: an unsent version stays in the outbox, and one the
    central store stored without the device hearing so is pushed again and recognised by
    its version id.
    """

    def __init__(self) -> None:
        super().__init__(_CANCELLED)
