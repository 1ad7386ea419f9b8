"""Stage 2, identify: a file's name and folders -> a `Release` (guessit and the regex
patterns) -> the library item and episodes it is (`match`), or why not. Also the
`identify` command's JSON and `library adopt` (an organised library read back).
"""
