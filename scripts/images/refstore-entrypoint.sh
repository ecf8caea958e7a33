#!/bin/sh
# Starts as root only to hand the master key to the app's user: `docker compose cp` writes
# files as root, and the engine here cannot copy with ownership into an image whose USER is
# not root. The key becomes 0600 refstore-owned, then RefStore runs as refstore, never root.
set -eu
if [ -f /data/master.key ]; then
  chown refstore:refstore /data/master.key
  chmod 0600 /data/master.key
fi
exec setpriv --reuid refstore --regid refstore --init-groups /usr/local/bin/refstore "$@"
