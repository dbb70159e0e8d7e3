"""bilat: a reference tool for bilateral agreements."""

__version__ = "0.1.0"
