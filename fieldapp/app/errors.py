"""Every error of the application layer: what a person did that the use cases refuse.

All are errors of the world (`fieldapp.core.errors.FieldappError`) with a sentence in Dutch
and English; the screens show it, the CLI prints it::

    FieldappError
    └── AppError
        ├── UnknownAccount      the demo has no account of that name
        ├── WrongDemoPassword   a new demo profile is made only with the demo password
        ├── NeedsFirstSync      no profile of that person on this device yet
        ├── FirstSignInUnreachable  the central store did not answer a first sign-in
        ├── DemoServerFailed    the demo's own central store does not start
        ├── DemoServerUnavailable  this installation has no server parts (fieldapp[server])
        └── ServerPartsMissing  a server verb, and no server parts installed

The errors of the layers below reach the person unchanged: `fieldapp.store.errors`
(wrong password, disk full, …) and `fieldapp.sync.errors` (server unreachable, …).
"""

from __future__ import annotations

from fieldapp.core.errors import FieldappError
from fieldapp.core.texts import Text

__all__ = [
    "AppError",
    "DemoServerFailed",
    "DemoServerUnavailable",
    "FirstSignInUnreachable",
    "NeedsFirstSync",
    "ServerPartsMissing",
    "UnknownAccount",
    "WrongDemoPassword",
]


class AppError(FieldappError):
    """Base of the errors the use cases raise themselves."""


class UnknownAccount(AppError):
    def __init__(self, username: str) -> None:
        super().__init__(
            Text(
                nl=f"Er is geen account ‘{username}’. Kies een account uit de lijst.",
                en=f"There is no account ‘{username}’. Choose an account from the list.",
            )
        )


class WrongDemoPassword(AppError):
    def __init__(self) -> None:
        super().__init__(
            Text(
                nl="Het wachtwoord klopt niet. In de demo is het wachtwoord ‘demo’.",
                en="The password is not correct. In the demo the password is ‘demo’.",
            )
        )


class NeedsFirstSync(AppError):
    """No profile of that person here, and no central store to make one from."""

    def __init__(self, username: str) -> None:
        super().__init__(
            Text(
                nl=f"Er is op dit apparaat nog geen profiel van {username}. De eerste keer "
                "aanmelden gaat via de centrale opslag, met netwerkverbinding; vul het adres "
                "van de centrale opslag in (uw beheerder weet het).",
                en=f"There is no profile of {username} on this device yet. The first "
                "sign-in goes through the central store, with a network connection; fill "
                "in the central store's address (your administrator knows it).",
            )
        )


class FirstSignInUnreachable(AppError):
    """A first sign-in could not reach the central store (or it kept failing): the person
    is waiting at the sign-in screen, so no "later" — say what to check."""

    def __init__(self, server_url: str, *, network: bool) -> None:
        if network:
            nl = (
                f"De centrale opslag ({server_url}) is niet bereikbaar. Controleer de "
                "netwerkverbinding en het adres, en probeer het opnieuw. Er is niets op dit "
                "apparaat bewaard."
            )
            en = (
                f"The central store ({server_url}) cannot be reached. Check the network "
                "connection and the address, and try again. Nothing was kept on this device."
            )
        else:
            nl = (
                "De centrale opslag is druk of heeft een storing. Probeer het over een minuut "
                "opnieuw. Er is niets op dit apparaat bewaard."
            )
            en = (
                "The central store is busy or has a problem. Try again in a minute. Nothing "
                "was kept on this device."
            )
        super().__init__(Text(nl=nl, en=en))
        self.network = network


class DemoServerFailed(AppError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            Text(
                nl=f"De centrale opslag van de demo start niet: {detail}",
                en=f"The demo's central store does not start: {detail}",
            )
        )


class DemoServerUnavailable(AppError):
    """The demo's central store needs the `fieldapp[server]` extra, which is not installed."""

    def __init__(self, missing: list[str]) -> None:
        names = ", ".join(missing)
        super().__init__(
            Text(
                nl="De centrale opslag van de demo kan niet starten: deze installatie heeft "
                f"de serveronderdelen niet ({names}). Installeer ‘fieldapp[server]’, of "
                "stel het adres van een centrale opslag in.",
                en="The demo's central store cannot start: this installation lacks the "
                f"server parts ({names}). Install ‘fieldapp[server]’, or set the address "
                "of a central store.",
            )
        )


class ServerPartsMissing(AppError):
    """A server verb was run where the `fieldapp[server]` extra is not installed."""

    def __init__(self, missing: str) -> None:
        super().__init__(
            Text(
                nl=f"Deze opdracht heeft de serveronderdelen nodig ({missing} ontbreekt). "
                "Installeer ‘fieldapp[server]’.",
                en=f"This command needs the server parts ({missing} is missing). "
                "Install ‘fieldapp[server]’.",
            )
        )
