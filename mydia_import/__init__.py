"""mydia-import: finished downloads into an organised, recorded media library."""

__version__ = "0.1.0"
