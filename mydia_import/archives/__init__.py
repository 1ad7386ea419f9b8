"""Archive sets in releases (RAR, ZIP, 7z): found, checked, extracted and imported.

- `sets.py`: which files of a release form which set (every volume naming scheme), and what
  is missing; names only.
- `sfv.py`: a release's `.sfv` checked against the volumes (zlib.crc32, streaming).
- `listing.py`: what a set holds, from its headers (ZIP through `zipfile`, RAR and 7z through
  `lsar` of the Debian package `unar`, in `unar.py`).
- `contents.py`: a set's members identified from their names like a release's files, before
  anything is extracted (a set holding nothing the library wants is not extracted).
- `extract.py`: the checks before extracting (hostile names, links, devices, passwords, size
  limit, free space) and the extraction, each file verified against the archive's CRC32.
- `stage.py`: the importer's side: a set extracted into a hidden work folder, its files
  imported like a release's, the work folder removed, the set remembered (extracted, or
  skipped with its reason).
"""
