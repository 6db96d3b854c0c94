#!/bin/sh
# Back up the central store: a pg_dump of the database and, with FIELDAPP_BLOB_STORAGE=files,
# the blob folder. Safe while the servers run (pg_dump reads one snapshot; blob bytes are
# written before the rows that name them, so every row in the dump has its file in the tar).
#
# Usage: backup.sh TARGET_DIR          prints the folder of this backup
# Environment: FIELDAPP_DATABASE_URL (postgresql+psycopg://user@host/db), FIELDAPP_HOME,
#              FIELDAPP_BLOB_STORAGE (files or database), PGPASSWORD or ~/.pgpass if needed.
set -eu

target=${1:?usage: backup.sh TARGET_DIR}
: "${FIELDAPP_DATABASE_URL:?set FIELDAPP_DATABASE_URL}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
folder="$target/$stamp"
mkdir -p "$folder"
# libpq does not know SQLAlchemy's driver suffix.
url=$(printf '%s' "$FIELDAPP_DATABASE_URL" | sed 's/^postgresql+[a-z0-9]*:/postgresql:/')

pg_dump --format=custom --no-owner --file="$folder/central.dump" "$url"
if [ "${FIELDAPP_BLOB_STORAGE:-files}" = files ]; then
    : "${FIELDAPP_HOME:?set FIELDAPP_HOME (the folder holding blobs/)}"
    tar -C "$FIELDAPP_HOME" --exclude=blobs/tmp -cf "$folder/blobs.tar" blobs
fi
echo "$folder"
