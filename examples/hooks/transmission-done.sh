#!/bin/sh
# Transmission: script-torrent-done-filename. Transmission passes the torrent in
# TR_* environment variables and takes no arguments, so this wrapper holds the
# command line. chmod 755, and make it readable by Transmission's user.
exec /opt/mydia-import/bin/mydia-import --config /etc/mydia-import/config.toml hook transmission
