"""journalgen: a static-site generator for family journals and memorials."""

__version__ = "0.1.0"
