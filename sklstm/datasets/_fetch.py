"""Find a data file offline (path argument, SKLSTM_DATA, cache) or download it once, verified.

Reading from ``path=`` or ``$SKLSTM_DATA`` never touches the cache folder, so it works with a
read-only home; the cache folder is created only when a download is about to happen. Files
are read through :func:`read_table`, which turns pandas/gzip failures into a ValueError that
names the file and the format expected.
"""

import gzip
import os
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.datasets import fetch_file

ENV_DATA = "SKLSTM_DATA"

# The parameters every loader takes, documented once; ``{filename}`` and ``{publisher}`` are
# filled in by each loader (``LOADER_PARAMS_DOC.format(...)``).
CACHE_PARAMS_DOC = """    data_home : str or Path, default=None
        Cache folder for downloads (default $SKLSTM_HOME or ``~/sklstm_data``).
    download_if_missing : bool, default=True
        Download when no local copy is found; False raises FileNotFoundError instead.
"""
LOADER_PARAMS_DOC = """    path : str or Path, default=None
        The file itself (or its .gz), or a folder holding ``{filename}``. None: look in the
        folder named by $SKLSTM_DATA, then the cache, then download from {publisher}.
""" + CACHE_PARAMS_DOC
ENV_HOME = "SKLSTM_HOME"


@dataclass(frozen=True)
class RemoteFile:
    """A file at its publisher's address; ``sha256`` None when the publisher updates it."""

    filename: str
    url: str
    sha256: str | None = None
    size: int | None = None


def documented_loader(filename=None, publisher=None):
    """Decorator: put :data:`LOADER_PARAMS_DOC` where a loader's docstring says
    ``{loader_params}``, and :data:`CACHE_PARAMS_DOC` where it says ``{cache_params}``."""

    def decorate(loader):
        doc = loader.__doc__.replace("    {cache_params}\n", CACHE_PARAMS_DOC)
        if filename is not None:
            doc = doc.replace("    {loader_params}\n", LOADER_PARAMS_DOC.format(
                filename=filename, publisher=publisher))
        loader.__doc__ = doc
        return loader

    return decorate


def _data_home_path(data_home=None):
    return Path(data_home or os.environ.get(ENV_HOME) or Path.home() / "sklstm_data")


def get_data_home(data_home=None):
    """Folder where downloads are cached: ``data_home``, else $SKLSTM_HOME, else ~/sklstm_data.

    The folder is created if needed.

    Parameters
    ----------
    data_home : str or Path, default=None
        The folder to use instead of the default.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> from sklstm.datasets import get_data_home
    >>> get_data_home("/tmp/sklstm_cache").name
    'sklstm_cache'
    """
    home = _data_home_path(data_home)
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
        looked += _candidates(Path(os.environ[ENV_DATA]), remote.filename)
    home = _data_home_path(data_home)
    looked += _candidates(home, remote.filename)
    for candidate in looked:
        if candidate.is_file():
            return candidate
    where = "\n  ".join(str(p) for p in looked)
    if not download_if_missing:
        raise FileNotFoundError(
            f"{remote.filename} is not available offline. Looked in:\n  {where}\n"
            f"Download it from {remote.url} and pass path=<file or folder>, or set "
            f"{ENV_DATA}=<folder holding it>, or allow download_if_missing=True."
        )
    try:
        return download(remote, get_data_home(data_home))
    except OSError as exc:  # URLError, socket errors and an unwritable cache are OSErrors
        raise FileNotFoundError(
            f"{remote.filename} is not available offline (looked in:\n  {where}\n) and "
            f"downloading {remote.url} failed: {exc}. Pass path=<file or folder> or set "
            f"{ENV_DATA}=<folder holding it>."
        ) from exc


def download(remote, folder, stream=sys.stderr):
    """Download ``remote`` into ``folder`` with scikit-learn's ``fetch_file`` (checksum verified)."""
    stream.write(f"Downloading {remote.url} into {folder}\n")
    target = fetch_file(remote.url, folder=folder, local_filename=remote.filename,
                        sha256=remote.sha256)
    if remote.size is not None and Path(target).stat().st_size != remote.size:
        Path(target).unlink()
        raise OSError(
            f"download of {remote.url} is incomplete: expected {remote.size} bytes. Try again."
        )
    return Path(target)


def _ends_with_newline(file):
    """Whether the (possibly gzipped) file ends with a newline: a cut file usually does not."""
    if str(file).endswith(".gz"):
        last = b""
        with gzip.open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                last = block
        return last.endswith(b"\n")
    with open(file, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return False
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def read_table(file, dataset, expected, **read_csv_kwargs):
    """``pd.read_csv`` whose failures name the file and the format expected.

    ``dataset`` is the data set's name, ``expected`` a sentence describing the file.
    """
    def bad(problem):
        return ValueError(
            f"{file} cannot be read as the {dataset} file: {problem}. Expected {expected} "
            "Pass the right file with path=, or delete it to download a fresh copy."
        )

    if os.path.getsize(file) == 0:
        raise bad("it is empty")
    try:
        frame = pd.read_csv(file, **read_csv_kwargs)
        complete = _ends_with_newline(file)
    except pd.errors.EmptyDataError:
        raise bad("it holds no data") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise bad(f"it is not a valid gzip file ({exc})") from None
    except EOFError:
        raise bad("the gzip stream is truncated") from None
    except UnicodeDecodeError:
        raise bad("it is not a text CSV file (binary or another encoding)") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise bad(f"it does not parse ({str(exc).splitlines()[0]})") from None
    if not complete:
        raise bad("it is truncated (the last line is incomplete)")
    return frame
