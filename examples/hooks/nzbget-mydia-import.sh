#!/bin/sh
#
##############################################################################
### NZBGET POST-PROCESSING SCRIPT                                          ###

# Import the download into the mydia-import library.
#
# Runs `mydia-import hook nzbget`, which reads NZBGet's NZBPP_* variables
# and exits 93 (success), 94 (failure) or 95 (nothing to do).

### NZBGET POST-PROCESSING SCRIPT                                          ###
##############################################################################

exec /opt/mydia-import/bin/mydia-import --config /etc/mydia-import/config.toml hook nzbget
