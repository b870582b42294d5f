"""Uploading a published corpus to the Hugging Face Hub, only after it has been verified."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import __version__
from ..destination import TOOL
from ..errors import AlignError


class PushError(AlignError):
    """Pushing to the Hugging Face Hub failed; the message says why in one line."""


def push_target(repo_id: str, token: str | None = None) -> str:
    """The token for pushing to ``repo_id``; checked before a build starts, not after it ends."""
    token = token or os.environ.get("HF_TOKEN")
    if not token:
        raise PushError("pushing needs a Hugging Face token in the HF_TOKEN environment variable")
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise PushError(f"{repo_id!r}: a dataset repository is named 'owner/name'")
    return token


def push_to_hub(
    folder: Path, repo_id: str, token: str | None = None, private: bool = False, allow_test_model: bool = False
) -> str:
    """Upload a published corpus folder as a dataset repository; returns the commit URL.

    The folder is verified first, hashes and claims, so what arrives on the Hub is exactly what
    the manifest describes; a corpus built with a random-weight test model is refused unless
    ``allow_test_model`` says the upload is a deliberate test.
    """
    from ..verify import verify_corpus

    token = push_target(repo_id, token)
    check = verify_corpus(folder)
    if not check.ok:
        raise PushError(f"{folder} does not match its manifest ({check.lines()[0]}); not pushing")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("test_model") and not allow_test_model:
        raise PushError(
            f"{folder} was built with a random-weight TEST MODEL (meaningless translations); not pushing "
            "(pass --allow-test-model to push it anyway, e.g. to a test repository)"
        )
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(
            repo_id=repo_id,
            repo_type="dataset",
            folder_path=str(folder),
            commit_message=f"Publish corpus with {TOOL} {__version__}",
        )
    except (HfHubHTTPError, OSError) as error:
        raise PushError(f"push to {repo_id} failed: {str(error).splitlines()[0]}") from None
    return str(getattr(commit, "commit_url", commit))
