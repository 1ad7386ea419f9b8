"""Stage 4, execute: the run (`importer`), the transfer of bytes, the recycle folder,
retiring replaced files, permissions, the run lock, crash recovery, tidying folders
left behind, and undo and retry.
"""
