"""The re-scan shortcuts: releases a scan remembered, recalled when unchanged, and runs that
change nothing recorded in one line.
"""
