"""Errors of the device's store that a person can act on, each with a Dutch and English sentence.

Everything here is a `FieldappError`: the app shows the sentence, the CLI prints it, and
nothing already saved is lost. Mistakes of the calling code (an unknown question name, an
answer of the wrong kind) stay ordinary exceptions, because no person can fix them. This is
the store's only errors module; the tree::

    FieldappError                      (fieldapp.core.errors)
    └── StoreError
        ├── opening a profile
        │   ├── WrongPassword          the password does not unlock it (counted)
        │   ├── TooManyAttempts        wait before the next try
        │   ├── WeakPassword           a new password is too short or too common
        │   ├── PasswordRequired       a CLI verb has no password and no terminal
        │   ├── NoUnattendedKey        no key in the OS keyring for headless sync
        │   ├── ProfileNotFound        no profile of that user here
        │   ├── ProfileExists          a restore would overwrite one
        │   ├── ProfileTooNew          written by a newer fieldapp
        │   ├── ProfileDamaged         the database cannot be read with its key
        │   ├── ProfileLocked          the central store deactivated the account
        │   └── BackupInvalid          not a usable backup file
        ├── the disk
        │   ├── DiskFull               the last change was not saved, all before it was
        │   └── StorageFailed          another refused write
        ├── what the store holds
        │   ├── UnknownInspection      not on this device
        │   ├── UnknownVersion         not on this device
        │   ├── UnknownReference       a venue, area, form or assignment not pulled yet
        │   ├── FormRejected           a form from the central store cannot be used
        │   ├── AttachmentMissing      a file a row refers to is gone or altered
        │   ├── AttachmentTooLarge     a photo over the limit
        │   └── MapTilesUnreadable     a map tile file that is broken or not MBTiles
        └── changing a draft
            ├── NotEditable            not a draft (finalized versions never change)
            ├── QuestionLocked         not reopened in this correction
            └── FinalizeBlocked        required or invalid answers; lists `BlockingProblem`s

The driver's own error classes (`fieldapp.store.database.DriverError` and friends) are not
in the tree: `translated_errors` turns the ones a person can act on into the above, and
the rest are bugs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fieldapp.core.errors import FieldappError


class StoreError(FieldappError):
    """Base of every expected failure of the device's store."""


class WrongPassword(StoreError):
    """The password does not unlock this profile."""

    def __init__(self, failures: int, remaining_before_delay: int) -> None:
        self.failures = failures
        self.remaining_before_delay = remaining_before_delay
        if remaining_before_delay > 0:
            nl = (
                f"Het wachtwoord klopt niet. Nog {remaining_before_delay} poging(en) "
                "voordat u moet wachten."
            )
            en = (
                f"The password is not correct. {remaining_before_delay} more attempt(s) "
                "before you have to wait."
            )
        else:
            nl = "Het wachtwoord klopt niet. U moet nu even wachten voor de volgende poging."
            en = "The password is not correct. You now have to wait before the next attempt."
        super().__init__({"nl": nl, "en": en})


class TooManyAttempts(StoreError):
    """Too many wrong passwords: the next try is only accepted after `wait_seconds`."""

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(
            {
                "nl": (
                    "Te vaak een verkeerd wachtwoord ingevoerd. "
                    f"Probeer het over {wait_seconds} seconden opnieuw."
                ),
                "en": (f"Too many wrong passwords. Try again in {wait_seconds} seconds."),
            }
        )


class ProfileNotFound(StoreError):
    """No profile of `username` in `home`; `others` are the profiles that are there.

    Said mostly to the CLI, where a mistyped `--home` or a forgotten `--user` (whose
    default is a demo boa) is the usual cause: the sentence names the folder and who does
    have a profile in it, so the person sees which of the two it was.
    """

    def __init__(
        self, username: str, home: Path, others: Sequence[str] = (), *, home_exists: bool = True
    ) -> None:
        if not home_exists:
            nl = f"Er is geen profiel van {username}: de map {home} bestaat niet."
            en = f"There is no profile of {username}: the folder {home} does not exist."
        elif others:
            names = ", ".join(others)
            nl = f"Er is geen profiel van {username} in {home}; wel een profiel van: {names}."
            en = f"There is no profile of {username} in {home}; profiles here: {names}."
        else:
            nl = f"Er is geen profiel van {username} in {home}."
            en = f"There is no profile of {username} in {home}."
        super().__init__({"nl": nl, "en": en})
        self.username = username


class ProfileExists(StoreError):
    def __init__(self, where: str) -> None:
        super().__init__(
            {
                "nl": f"Er staat al een profiel in {where}; er is niets overschreven.",
                "en": f"There already is a profile in {where}; nothing was overwritten.",
            }
        )


class ProfileTooNew(StoreError):
    """The profile was written by a newer fieldapp; opening it here could damage it."""

    def __init__(self, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            {
                "nl": (
                    f"Dit profiel is gemaakt met een nieuwere versie van fieldapp "
                    f"(gegevensversie {found}, deze versie kent tot en met {known}). "
                    "Werk fieldapp bij; het profiel is niet aangeraakt."
                ),
                "en": (
                    f"This profile was made by a newer fieldapp (data version {found}; "
                    f"this version knows up to {known}). Update fieldapp; the profile "
                    "was not touched."
                ),
            }
        )


class ProfileDamaged(StoreError):
    """The database file cannot be read with the right key: damaged or not a profile."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            {
                "nl": (
                    "Het profiel op dit apparaat is beschadigd en kan niet worden gelezen "
                    f"({detail}). Zet een reservekopie terug of neem contact op met beheer."
                ),
                "en": (
                    f"The profile on this device is damaged and cannot be read ({detail}). "
                    "Restore a backup or contact support."
                ),
            }
        )


class DiskFull(StoreError):
    """The disk is full: the last change was not saved, everything before it was."""

    def __init__(self) -> None:
        super().__init__(
            {
                "nl": (
                    "De schijf is vol. De laatste wijziging is niet opgeslagen; alles "
                    "daarvoor wel. Maak ruimte vrij en probeer het opnieuw."
                ),
                "en": (
                    "The disk is full. The last change was not saved; everything before "
                    "it was. Free some space and try again."
                ),
            }
        )


class StorageFailed(StoreError):
    """The disk refused a write for another reason than being full."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            {
                "nl": (
                    f"Opslaan is mislukt ({detail}). De laatste wijziging is niet "
                    "opgeslagen; alles daarvoor wel."
                ),
                "en": (
                    f"Saving failed ({detail}). The last change was not saved; everything "
                    "before it was."
                ),
            }
        )


class UnknownInspection(StoreError):
    def __init__(self, inspection_id: str) -> None:
        super().__init__(
            {
                "nl": f"Controle {inspection_id} staat niet op dit apparaat.",
                "en": f"Inspection {inspection_id} is not on this device.",
            }
        )


class UnknownVersion(StoreError):
    def __init__(self, version_id: str) -> None:
        super().__init__(
            {
                "nl": f"Versie {version_id} staat niet op dit apparaat.",
                "en": f"Version {version_id} is not on this device.",
            }
        )


class UnknownReference(StoreError):
    """A venue, area, form or assignment that the reference data does not hold."""

    def __init__(self, kind_nl: str, kind_en: str, identifier: str) -> None:
        super().__init__(
            {
                "nl": (
                    f"{kind_nl} '{identifier}' is niet bekend op dit apparaat. Synchroniseer eerst."
                ),
                "en": f"{kind_en} '{identifier}' is not known on this device. Sync first.",
            }
        )


class NotEditable(StoreError):
    """The inspection is not a draft: finalized versions never change."""

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(
            {
                "nl": (
                    f"Deze controle is niet meer te wijzigen (status: {status}). Een "
                    "afgeronde versie verandert nooit; een correctie kan pas na terugsturen."
                ),
                "en": (
                    f"This inspection can no longer be changed (status: {status}). A "
                    "finalized version never changes; a correction needs a return first."
                ),
            }
        )


class QuestionLocked(StoreError):
    """In a correction only the questions the supervisor reopened may change."""

    def __init__(self, question: str) -> None:
        self.question = question
        super().__init__(
            {
                "nl": (
                    f"Vraag '{question}' is niet heropend door de leidinggevende en kan in "
                    "deze correctie niet worden gewijzigd."
                ),
                "en": (
                    f"Question '{question}' was not reopened by the supervisor and cannot "
                    "be changed in this correction."
                ),
            }
        )


class BlockingProblem:
    """One reason a draft cannot be finalized yet: which question, which row, what is wrong."""

    __slots__ = ("message", "question", "row")

    def __init__(self, question: str, row: str | None, message: dict[str, str]) -> None:
        self.question = question
        self.row = row
        self.message = message

    def __repr__(self) -> str:
        where = self.question if self.row is None else f"{self.question}[{self.row}]"
        return f"BlockingProblem({where}: {self.message.get('en', '')})"


class FinalizeBlocked(StoreError):
    """The draft has missing or invalid answers; `problems` lists each blocking question."""

    def __init__(self, problems: Sequence[BlockingProblem], labels: dict[str, dict[str, str]]):
        self.problems = tuple(problems)

        def lines(language: str) -> str:
            parts = []
            for problem in self.problems:
                label = labels.get(problem.question, {}).get(language) or problem.question
                text = problem.message.get(language) or next(iter(problem.message.values()))
                parts.append(f"- {label} ({problem.question}): {text}")
            return "\n".join(parts)

        super().__init__(
            {
                "nl": f"Afronden kan nog niet; deze vragen blokkeren:\n{lines('nl')}",
                "en": f"Cannot finalize yet; these questions block it:\n{lines('en')}",
            }
        )

    @property
    def questions(self) -> list[str]:
        return [problem.question for problem in self.problems]


class AttachmentMissing(StoreError):
    """A photo or signature file the database refers to is gone or altered."""

    def __init__(self, sha256: str, detail: str) -> None:
        self.sha256 = sha256
        super().__init__(
            {
                "nl": f"Bijlage {sha256[:12]}… is niet leesbaar ({detail}).",
                "en": f"Attachment {sha256[:12]}… cannot be read ({detail}).",
            }
        )


class AttachmentTooLarge(StoreError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            {
                "nl": (
                    f"Het bestand is te groot ({size // 1_000_000} MB); "
                    f"het maximum is {limit // 1_000_000} MB."
                ),
                "en": (
                    f"The file is too large ({size // 1_000_000} MB); "
                    f"the limit is {limit // 1_000_000} MB."
                ),
            }
        )


class FormRejected(StoreError):
    """A form from the central store cannot be used on this device."""

    def __init__(self, form: str, detail: str) -> None:
        super().__init__(
            {
                "nl": f"Formulier {form} van de centrale opslag is niet bruikbaar: {detail}",
                "en": f"Form {form} from the central store cannot be used: {detail}",
            }
        )


class BackupInvalid(StoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            {
                "nl": f"Dit is geen bruikbare reservekopie van fieldapp ({detail}).",
                "en": f"This is not a usable fieldapp backup ({detail}).",
            }
        )


class NoUnattendedKey(StoreError):
    """Unattended (passwordless) opening was asked for but no key is kept for it."""

    def __init__(self) -> None:
        super().__init__(
            {
                "nl": (
                    "Automatisch synchroniseren zonder wachtwoord is op dit apparaat niet "
                    "ingesteld. Open het profiel met uw wachtwoord."
                ),
                "en": (
                    "Unattended sync without a password is not set up on this device. "
                    "Open the profile with your password."
                ),
            }
        )


class PasswordRequired(StoreError):
    """A CLI verb needs the password but neither FIELDAPP_PASSWORD nor a terminal is there."""

    def __init__(self) -> None:
        super().__init__(
            {
                "nl": (
                    "Geen wachtwoord: zet FIELDAPP_PASSWORD of start de opdracht in een "
                    "terminal zodat ernaar gevraagd kan worden."
                ),
                "en": (
                    "No password: set FIELDAPP_PASSWORD or run the command in a terminal "
                    "so it can ask for it."
                ),
            }
        )


class WeakPassword(StoreError):
    """A new password the rule of `fieldapp.core.passwords` refuses; says why."""

    def __init__(self, problem: FieldappError) -> None:
        super().__init__(problem.message)


class ProfileLocked(StoreError):
    """The central store deactivated this account: the profile no longer opens."""

    def __init__(self) -> None:
        super().__init__(
            {
                "nl": (
                    "Dit profiel is vergrendeld: de centrale opslag meldt dat uw account is "
                    "gedeactiveerd. Neem contact op met uw beheerder; er gaat niets verloren."
                ),
                "en": (
                    "This profile is locked: the central store says your account was "
                    "deactivated. Contact your administrator; nothing is lost."
                ),
            }
        )


class MapTilesUnreadable(StoreError):
    """A map tile file that cannot serve the map: the screens fall back to the registry list."""

    def __init__(self, name: str, reason_nl: str, reason_en: str) -> None:
        self.name = name
        super().__init__(
            {
                "nl": (
                    f"Het kaartbestand {name} is niet te gebruiken: {reason_nl}. "
                    "Kies een plek uit de lijst of typ de positie."
                ),
                "en": (
                    f"The map file {name} cannot be used: {reason_en}. "
                    "Pick a place from the list or type the location."
                ),
            }
        )
