"""Writing files so that a reader never sees half of one, and never outside their folder."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .locales import Messages
from .problems import BuildError, ConfigError, Severity


def inside(folder: Path | str, name: str, t: Messages) -> Path:
    """``folder / name``, refused (a :class:`BuildError`) unless it lies inside ``folder``: a name
    made from text (a version, an edition, a title) must never lead anywhere else."""
    base = Path(folder).resolve()
    target = base if not name or "\x00" in name else (base / name).resolve()
    if target == base or not target.is_relative_to(base):
        raise BuildError([t.finding("path-outside", Severity.ERROR, file=name, name=name, folder=str(folder))])
    return Path(folder) / name


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def refuse_overwrite(target: Path, t: Messages, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Before writing ``target``: never over one of ``inputs`` (what is being read), and over any
    other file only with ``force``; either refusal is a :class:`ConfigError` naming the file."""
    target = Path(target)
    if not (target.exists() or target.is_symlink()):
        return
    if any(_same_file(target, Path(path)) for path in inputs):
        raise ConfigError([t.finding("output-is-input", Severity.ERROR, file=str(target))])
    if not force:
        raise ConfigError([t.finding("output-exists", Severity.ERROR, file=str(target))])


def write_problem(exc: OSError) -> str:
    """Why the operating system refused a write, as a locale key under ``write_problems``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "full"
    if exc.errno == errno.EROFS:
        return "read_only"
    if isinstance(exc, PermissionError):
        return "permission"
    if isinstance(exc, (NotADirectoryError, FileExistsError, IsADirectoryError)):
        return "in_the_way"
    return "name_too_long" if exc.errno == errno.ENAMETOOLONG else "other"


def write_failed(target: Path | str, exc: OSError, t: Messages | None = None) -> BuildError:
    """A refused write (disk full, a read-only folder, no permission) as a stop naming the file (exit 3)."""
    t = t or Messages(None)
    return BuildError([t.finding("write-failed", Severity.ERROR, file=str(target),
                                 detail=t(f"write_problems.{write_problem(exc)}"))])


@contextlib.contextmanager
def writing(target: Path | str, t: Messages | None = None) -> Iterator[None]:
    """Whatever the block writes for ``target``: an :class:`OSError` becomes :func:`write_failed`."""
    try:
        yield
    except OSError as exc:
        raise write_failed(target, exc, t) from None


def remove_tree(path: Path) -> None:
    """Remove a folder reportgen wrote, read-only parts (an archive's version) included."""
    def writable_again(function: object, name: str, exc: object) -> None:
        with contextlib.suppress(OSError):  # only folders: a file may be a link to one that stays (archive bag)
            os.chmod(os.path.dirname(name), stat.S_IRWXU)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, stat.S_IRWXU)
            (shutil.rmtree if os.path.isdir(name) and not os.path.islink(name) else os.unlink)(name)

    shutil.rmtree(path, onerror=writable_again)


def remove_stale_parts(target: Path) -> None:
    """Temporary files or folders a killed earlier write of ``target`` may have left behind. A
    folder that a killed write had moved aside and not yet replaced is put back first."""
    target = Path(target)
    old = target.with_name(f".{target.name}.old.part")
    if old.is_dir() and not target.exists() and not target.is_symlink():
        os.rename(old, target)
    for stale in target.parent.glob(f".{target.name}.*.part"):
        if stale.is_dir() and not stale.is_symlink():
            remove_tree(stale)
        else:
            stale.unlink(missing_ok=True)


def _remove_stale_parts_of(folder: Path, names: set[str]) -> None:
    """:func:`remove_stale_parts` for the files ``names`` of one folder, listing it once."""
    stale = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".part"):
                stale.add(entry.name[1:-len(".part")].rpartition(".")[0])  # ".<name>.<random>.part"
    for name in stale & names:
        remove_stale_parts(folder / name)


@contextlib.contextmanager
def atomic_path(target: Path, t: Messages | None = None, *, tidy: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    A failed or interrupted write leaves ``target`` as it was (the last good file) and no
    half-written file behind; a refused write is a :func:`write_failed` stop naming ``target``.
    ``tidy``: first remove what a killed earlier write left (:func:`write_all` does it per folder).
    """
    target = Path(target)
    with writing(target, t):
        target.parent.mkdir(parents=True, exist_ok=True)
        if tidy:
            remove_stale_parts(target)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            yield tmp
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes, t: Messages | None = None) -> Path:
    with atomic_path(target, t) as tmp:
        tmp.write_bytes(data)
    return target


def write_all(files: Iterable[tuple[Path, bytes]], t: Messages | None = None) -> list[Path]:
    """Each file written as :func:`write_bytes` writes one, each folder looked at once for what a
    killed write left (not once per file: 5,000 files in one folder took minutes)."""
    files = [(Path(target), data) for target, data in files]
    by_folder: dict[Path, set[str]] = {}
    for target, _ in files:
        by_folder.setdefault(target.parent, set()).add(target.name)
    for folder, names in by_folder.items():
        with writing(folder, t):
            folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_parts_of(folder, names)
    written = []
    for target, data in files:
        with atomic_path(target, t, tidy=False) as tmp:
            tmp.write_bytes(data)
        written.append(target)
    return written


def write_text(target: Path, text: str, t: Messages | None = None) -> Path:
    return write_bytes(target, text.encode("utf-8"), t)


def _stage_folder(target: Path, files: Mapping[str, bytes | Path]) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    for name, content in sorted(files.items()):
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else Path(content).read_bytes())
    os.chmod(staging, 0o755)
    return staging


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``): each then has the other's
    content, and no one ever sees either name missing. False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd = -100  # AT_FDCWD
    done = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_in(staging: Path, target: Path) -> None:
    """Put a staged folder in ``target``'s place. With an exchange there is no moment without a
    folder; without one, the old folder is moved aside first, and a kill between the two renames
    is mended by the next write (:func:`remove_stale_parts` puts it back)."""
    if target.exists() and exchange(staging, target):
        remove_tree(staging)  # the old folder, now under the staging name
        return
    old = target.with_name(f".{target.name}.old.part")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        remove_tree(old)


def _stage_file(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(name, 0o644)
    return Path(name)


def write_together(files: Mapping[Path, bytes], folders: Mapping[Path, Mapping[str, bytes | Path]],
                   t: Messages | None = None) -> None:
    """Write several files and folders as one output: everything is written under temporary
    names first, and only when all of it is there are they renamed into place, one after the
    other. A failure while writing leaves every earlier output as it was, and is a
    :func:`write_failed` stop naming the file."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            with writing(target, t):
                staged.append((_stage_file(target, data), target))
        for target, content in folders.items():
            with writing(target, t):
                staged.append((_stage_folder(target, content), target))
        for tmp, target in staged:
            with writing(target, t):
                if tmp.is_dir():
                    swap_in(tmp, target)
                else:
                    os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            if tmp.is_dir():
                remove_tree(tmp)
            else:
                tmp.unlink(missing_ok=True)


def write_folder(target: Path, files: Mapping[str, bytes | Path], t: Messages | None = None) -> Path:
    """Write a folder of files (name -> bytes, or a file to copy) so that it replaces ``target``
    whole: a reader sees the old folder or the new one, never a mix."""
    write_together({}, {Path(target): files}, t)
    return Path(target)
