#!/bin/sh
# SABnzbd post-processing script: put it in SABnzbd's Scripts folder
# (Config -> Folders -> Scripts Folder), chmod 755, and choose it for the
# categories to import (Config -> Categories -> Script). SABnzbd shows the last
# line this prints in its history.
exec /opt/mydia-import/bin/mydia-import --config /etc/mydia-import/config.toml hook sabnzbd "$@"
