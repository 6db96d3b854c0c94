"""How a finalized version is kept in the database: canonical JSON, deflated.

The record is the exact `InspectionVersion` the device sends. Canonical JSON makes the
stored bytes depend only on the content; deflate shrinks answers about 4:1, which matters
with a hundred thousand versions on a laptop disk.
"""

from __future__ import annotations

import zlib

from fieldapp.core.answers import canonical_json
from fieldapp.core.inspection import InspectionVersion


def encode_record(version: InspectionVersion) -> bytes:
    return zlib.compress(canonical_json(version.model_dump(mode="json")), 6)


def decode_record(blob: bytes) -> InspectionVersion:
    return InspectionVersion.model_validate_json(zlib.decompress(blob))
