"""The model store and everything about Argos packages, one module per concern.

- ``store``: where packages live, their identity and integrity records, reading and safe installing;
- ``fetching``: the pinned packages of ``models.lock`` and downloading them from the Argos index;
- ``testpackage``: small random-weight packages for tests and dry runs.

Identity, as the README states it: a package's ``sha256`` is the sha256 of its files' ``sha256sum``
listing, reproducible with::

    cd PACKAGE && find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum

The names below are the package's public face; callers import them from ``align.models``.
"""

from .fetching import DEFAULT_INDEX, LOCK_FILE, Pin, download, fetch, read_lock, resolve_from_index, write_lock
from .store import (
    ARCHIVE_SUFFIX,
    ARGOS_LANGUAGE_CODES,
    InstalledPackage,
    ModelError,
    OutputRefused,
    PackageNotFound,
    argos_package_module,
    cache_root,
    check_package_layout,
    extract_archive,
    file_listing,
    file_sha256,
    find_package,
    install,
    list_packages,
    missing_packages_message,
    read_package,
    store_root,
    unpacked_archive,
)
from .testpackage import TEST_MODEL_NOTE, TestModelShape, make_test_package, write_deterministic_zip

__all__ = [
    "ARCHIVE_SUFFIX",
    "ARGOS_LANGUAGE_CODES",
    "DEFAULT_INDEX",
    "LOCK_FILE",
    "TEST_MODEL_NOTE",
    "InstalledPackage",
    "ModelError",
    "OutputRefused",
    "PackageNotFound",
    "Pin",
    "TestModelShape",
    "argos_package_module",
    "cache_root",
    "check_package_layout",
    "download",
    "extract_archive",
    "fetch",
    "file_listing",
    "file_sha256",
    "find_package",
    "install",
    "list_packages",
    "make_test_package",
    "missing_packages_message",
    "read_lock",
    "read_package",
    "resolve_from_index",
    "store_root",
    "unpacked_archive",
    "write_deterministic_zip",
    "write_lock",
]
