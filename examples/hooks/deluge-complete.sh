#!/bin/sh
# Deluge: Execute plugin, event "Torrent Complete", command = this file.
# Deluge passes TORRENT_ID NAME SAVE_PATH; "$@" hands them on unchanged.
exec /opt/mydia-import/bin/mydia-import --config /etc/mydia-import/config.toml hook deluge "$@"
