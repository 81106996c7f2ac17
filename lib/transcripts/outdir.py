"""Output folders: checked before any work is done, and locked while a build writes its tables into one.

Two builds writing into one folder at once used to interleave their tables (issue 17); `folder_lock`
makes the second wait for the first. The lock is advisory (`flock`), held by an open file that the system
releases when the process ends, however it ends, so a killed build never leaves the folder locked.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import TranscriptError
from .paths import display_path, resolve

LOCK_NAME = ".lock"


def writable_folder(path: str | Path, *, what: str = "output folder") -> Path:
    """The folder, created when missing, once it is sure that files can be written in it; otherwise one
    clear error (a file in its place, a read-only disk, no permission).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a_file"
    >>> _ = f.write_text("x")
    >>> writable_folder(f)
    Traceback (most recent call last):
    ...
    transcripts.errors.TranscriptError: ...a_file: the output folder is a file, not a folder. Choose a folder \
(--out); it is created when missing
    """
    out = resolve(path)
    shown = display_path(out)
    if out.exists() and not out.is_dir():
        raise TranscriptError(shown, f"the {what} is a file, not a folder",
                              hint="Choose a folder (--out); it is created when missing")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise TranscriptError(shown, f"the {what} cannot be made: part of its path is a file",
                              hint="Choose a folder (--out) whose parents are folders") from None
    except OSError as exc:
        raise TranscriptError(shown, f"the {what} cannot be made ({exc.strerror or exc})",
                              hint="Choose a folder you may write to (--out)") from None
    try:
        fd, probe = tempfile.mkstemp(dir=out, prefix=".write_test_")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise TranscriptError(shown, f"nothing can be written in the {what} ({exc.strerror or exc})",
                              hint="Choose a folder you may write to (--out), on a disk with free space") from None
    return out


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold `<folder>/.lock` exclusively: another process taking the same lock waits (and says so)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the stamp's write id still tells a mix of two writes
        yield
        return
    with open(folder / LOCK_NAME, "a+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another build is writing its tables in {display_path(folder)}", file=sys.stderr,
                  flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
        except OSError:  # a file system without locks (some network disks): the write id still tells a mix
            pass
        yield  # released when the file is closed (or the process ends)


def write_hint(exc: OSError) -> str:
    """What to do about a failed write."""
    import errno
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some disk space, or write elsewhere with --out; nothing half-written is used"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "Choose a folder you may write to (--out)"
    return "Check the disk, or write elsewhere with --out"
