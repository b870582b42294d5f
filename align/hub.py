"""Uploading a corpus to the Hugging Face Hub: lives in ``align.publish.hub``; these names stay
importable from here."""

from .publish.hub import PushError, push_target, push_to_hub

__all__ = ["PushError", "push_target", "push_to_hub"]
