"""Find a data file offline (path argument, SKLSTM_DATA, cache) or download it once, verified."""

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ENV_DATA = "SKLSTM_DATA"
ENV_HOME = "SKLSTM_HOME"


@dataclass(frozen=True)
class RemoteFile:
    """A file at its publisher's address; ``sha256``/``size`` None when the publisher updates it."""

    filename: str
    url: str
    sha256: str | None = None
    size: int | None = None


def get_data_home(data_home=None):
    """Folder where downloads are cached: ``data_home``, else $SKLSTM_HOME, else ~/sklstm_data."""
    home = Path(data_home or os.environ.get(ENV_HOME) or Path.home() / "sklstm_data")
    home.mkdir(parents=True, exist_ok=True)
    return home


def _candidates(folder, filename):
    folder = Path(folder)
    return [folder / filename, folder / (filename + ".gz")]


def locate(remote, path=None, data_home=None, download_if_missing=True):
    """Return the local path of ``remote``: from ``path``, $SKLSTM_DATA, the cache, or download.

    ``path`` may be the file itself or a folder holding it; ``.gz`` copies are accepted.
    """
    looked = []
    if path is not None:
        path = Path(path)
        if path.is_file():
            return path
        if not path.is_dir():
            raise FileNotFoundError(f"path={str(path)!r} is neither a file nor a folder.")
        found = [p for p in _candidates(path, remote.filename) if p.is_file()]
        if found:
            return found[0]
        raise FileNotFoundError(
            f"{remote.filename} (or .gz) not found in path={str(path)!r}; pass the file itself "
            f"or a folder holding it."
        )
    if os.environ.get(ENV_DATA):
        folder = Path(os.environ[ENV_DATA])
        looked += _candidates(folder, remote.filename)
    home = get_data_home(data_home)
    looked += _candidates(home, remote.filename)
    for candidate in looked:
        if candidate.is_file():
            return candidate
    if not download_if_missing:
        where = "\n  ".join(str(p) for p in looked)
        raise FileNotFoundError(
            f"{remote.filename} is not available offline. Looked in:\n  {where}\n"
            f"Download it from {remote.url} and pass path=<file or folder>, or set "
            f"{ENV_DATA}=<folder holding it>, or allow download_if_missing=True."
        )
    try:
        return download(remote, home)
    except OSError as exc:  # URLError and socket errors are OSErrors
        where = "\n  ".join(str(p) for p in looked)
        raise FileNotFoundError(
            f"{remote.filename} is not available offline (looked in:\n  {where}\n) and "
            f"downloading {remote.url} failed: {exc}. Pass path=<file or folder> or set "
            f"{ENV_DATA}=<folder holding it>."
        ) from exc


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(remote, folder, stream=sys.stderr):
    """Download ``remote`` into ``folder``, showing progress; verify size and checksum."""
    target = Path(folder) / remote.filename
    stream.write(f"Downloading {remote.url}\n")
    with urllib.request.urlopen(remote.url, timeout=60) as response:
        announced = response.headers.get("Content-Length")
        total = int(announced) if announced else remote.size
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
            received = 0
            for block in iter(lambda: response.read(1 << 16), b""):
                tmp.write(block)
                received += len(block)
                if total:
                    stream.write(f"\r  {received / 1e6:.1f} / {total / 1e6:.1f} MB "
                                 f"({100 * received / total:.0f}%)")
            stream.write("\n")
    expected_size = remote.size or (int(announced) if announced else None)
    try:
        if expected_size is not None and received != expected_size:
            raise OSError(
                f"download of {remote.url} is incomplete: {received} bytes, expected "
                f"{expected_size}. Try again."
            )
        if remote.sha256 is not None and _sha256(tmp.name) != remote.sha256:
            raise OSError(
                f"checksum of {remote.url} does not match {remote.sha256}; the file may be "
                "corrupted or changed by its publisher."
            )
    except OSError:
        os.unlink(tmp.name)
        raise
    shutil.move(tmp.name, target)
    return target
