"""The device's store: offline-first, autosaving, crash-safe and encrypted at rest.

Start with `open_profile(home, username, password)`; the `Profile` it returns holds the
use cases (start_inspection, set_answer, attach_file, finalize, apply_return, …) and hands
each to the part of the store that does it (see `fieldapp.store.profile`). `verify`
checks a profile end to end; `import_backup` restores one. Qt-free: the app, the sync
client and the CLI all use this package the same way, and none of them sees its database.
"""

from fieldapp.store.bulk import PastInspection, Receipt
from fieldapp.store.database import StoreSettings
from fieldapp.store.errors import (
    AttachmentMissing,
    AttachmentTooLarge,
    BackupInvalid,
    BlockingProblem,
    DiskFull,
    FinalizeBlocked,
    FormRejected,
    NotEditable,
    NoUnattendedKey,
    PasswordRequired,
    ProfileDamaged,
    ProfileExists,
    ProfileNotFound,
    ProfileTooNew,
    QuestionLocked,
    StorageFailed,
    StoreError,
    TooManyAttempts,
    UnknownInspection,
    UnknownReference,
    UnknownVersion,
    WeakPassword,
    WrongPassword,
)
from fieldapp.store.keys import DEFAULT_KDF, KdfParams, KeyringBackend, SystemKeyring
from fieldapp.store.profile import (
    Profile,
    import_backup,
    open_profile,
    open_profile_unattended,
    profile_directory,
    profile_exists,
)
from fieldapp.store.records import (
    LocalInspectionSummary,
    OutboxCounts,
    OutboxInfo,
    OutboxState,
    Review,
    SavedPosition,
)
from fieldapp.store.reference import (
    AppliedChanges,
    ApprovalEvent,
    Change,
    FormText,
    ReferenceKind,
    ReferenceSnapshot,
    Removal,
    ReturnEvent,
    TeamMember,
    Upsert,
)
from fieldapp.store.verify import verify

__all__ = [
    "DEFAULT_KDF",
    "AppliedChanges",
    "ApprovalEvent",
    "AttachmentMissing",
    "AttachmentTooLarge",
    "BackupInvalid",
    "BlockingProblem",
    "Change",
    "DiskFull",
    "FinalizeBlocked",
    "FormRejected",
    "FormText",
    "KdfParams",
    "KeyringBackend",
    "LocalInspectionSummary",
    "NoUnattendedKey",
    "NotEditable",
    "OutboxCounts",
    "OutboxInfo",
    "OutboxState",
    "PasswordRequired",
    "PastInspection",
    "Profile",
    "ProfileDamaged",
    "ProfileExists",
    "ProfileNotFound",
    "ProfileTooNew",
    "QuestionLocked",
    "Receipt",
    "ReferenceKind",
    "ReferenceSnapshot",
    "Removal",
    "ReturnEvent",
    "Review",
    "SavedPosition",
    "StorageFailed",
    "StoreError",
    "StoreSettings",
    "SystemKeyring",
    "TeamMember",
    "TooManyAttempts",
    "UnknownInspection",
    "UnknownReference",
    "UnknownVersion",
    "Upsert",
    "WeakPassword",
    "WrongPassword",
    "import_backup",
    "open_profile",
    "open_profile_unattended",
    "profile_directory",
    "profile_exists",
    "verify",
]
