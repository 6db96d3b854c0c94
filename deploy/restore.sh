#!/bin/sh
# Restore a backup made by backup.sh, then start a new sync epoch: every device reloads its
# reference data and sends again what the backup is missing (see docs/deploy.md).
#
# Stop every server process first; the database should be empty (freshly created) or a
# copy of this store (its tables are replaced).
#
# Usage: restore.sh BACKUP_FOLDER
# Environment: as backup.sh; FIELDAPP_COMMAND is the fieldapp command (default: fieldapp).
set -eu

source=${1:?usage: restore.sh BACKUP_FOLDER}
: "${FIELDAPP_DATABASE_URL:?set FIELDAPP_DATABASE_URL}"
url=$(printf '%s' "$FIELDAPP_DATABASE_URL" | sed 's/^postgresql+[a-z0-9]*:/postgresql:/')

pg_restore --no-owner --clean --if-exists --exit-on-error --dbname="$url" "$source/central.dump"
if [ -f "$source/blobs.tar" ]; then
    : "${FIELDAPP_HOME:?set FIELDAPP_HOME (the folder to hold blobs/)}"
    rm -rf "$FIELDAPP_HOME/blobs"
    mkdir -p "$FIELDAPP_HOME"
    tar -C "$FIELDAPP_HOME" -xf "$source/blobs.tar"
fi
# shellcheck disable=SC2086  # FIELDAPP_COMMAND may be "python -m fieldapp"
${FIELDAPP_COMMAND:-fieldapp} server new-epoch --home "${FIELDAPP_HOME:-/var/lib/fieldapp}"
