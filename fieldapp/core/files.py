"""Writing files so that a crash leaves the old file or the new one, never half of either.

Every layer writes this way (settings, key files, sync state, reports, blobs), so there is
one implementation: a temporary file beside the target, fsynced, renamed, and the folder
fsynced so the rename itself survives a pulled battery.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, data: bytes | str, *, exclusive: bool = False) -> Path:
    """Replace `path` with `data` (text is written as UTF-8) in one step.

    With `exclusive` the file must not exist yet (`FileExistsError` otherwise), checked
    atomically by hard-linking instead of renaming: two processes creating the same file at
    once can never both win.
    """
    content = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    # os.urandom, not secrets: the name needs no more, and the settings (read before the
    # app's window shows) then do not import hmac and OpenSSL's hashes.
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with temporary.open("xb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, path)
        else:
            temporary.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_directory(path.parent)
    return path


@contextlib.contextmanager
def writing_atomically(path: Path) -> Iterator[BinaryIO]:
    """`write_atomically` for a file written piece by piece: the open temporary file beside
    `path`, which replaces `path` only when the block ends without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.tmp")
    try:
        with temporary.open("xb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable; folders cannot be opened for fsync on Windows."""
    if os.name == "nt":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
