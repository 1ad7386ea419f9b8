"""Stage 3, plan: where each file goes, how, and why (or why not), before anything is touched:
batches of releases, videos and their companions, naming templates, quality, the library's
rival files, arbitration of contested destinations, and the memory of downloads already
imported.
"""
