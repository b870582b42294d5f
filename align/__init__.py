"""Reproducible Russian-English translation-and-alignment toolkit.

Each pipeline stage is one module with a small typed API (see ``records`` for the dataclasses that
travel between them); ``cli`` and the Makefile are thin layers on top.
"""

__version__ = "0.1.0"
