"""Stage 1, discover: a download path walked into `Candidate`s (videos, subtitles, extras),
and the files held back because they are still being written or link out of the downloads.
"""
