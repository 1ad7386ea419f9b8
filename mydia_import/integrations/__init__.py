"""The world around the library: download clients (hook input, clean-up), media servers,
notifications, the log file of unattended runs, and path maps between two views of
one folder.
"""
