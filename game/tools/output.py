"""The one place that writes a file a user named: `escape graph -o`, `escape schema --out`, `escape playtest
--out` and `--write-walkthroughs`, `escape new story` and `escape new scene`.

- **Never through a symbolic link.** A folder is opened once and every file is made relative to it (the
  `dir_fd` calls), so nothing swapped in on the way can redirect a write; a link where the file would go
  is refused, even with --force, and so is a folder, a FIFO, a device or a socket (never opened, so a
  FIFO cannot make the command wait). The folders of the path the user typed are the user's own and are
  followed as typed; `Folder.sub` never follows a link (inside a story folder, say).
- **Never over an existing file unless the caller says so** (`force`, the commands' --force): the new text
  goes to a new hidden file in the same folder (`O_CREAT | O_EXCL | O_NOFOLLOW`), flushed to disk, and is
  then linked into place, which fails if anything has appeared there since (a new file), or renamed over
  the old one (--force; the file keeps its permissions).
- **Nothing half-done.** A failure removes the hidden file, and what a `Folder` made is removed by
  `undo`; every failure is an `OutputError` that says why and what to do, ending in "nothing was written".
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from game.errors import EscapeError
from game.i18n import N_, _
from game.model.shown import shown

NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
DIRECTORY = getattr(os, "O_DIRECTORY", 0)
NON_BLOCK = getattr(os, "O_NONBLOCK", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
NOTHING = N_("nothing was written")  # the end of every refusal (in the language shown: `_(NOTHING)`)

# what to do about an error the system reports, by its errno (translated where shown)
_FIXES = {
    errno.ENOSPC: N_("free some space or write elsewhere"),
    errno.EDQUOT: N_("free some space or write elsewhere"),
    errno.EACCES: N_("choose a folder you can write to"),
    errno.EPERM: N_("choose a folder you can write to"),
    errno.EROFS: N_("choose a folder you can write to"),
    errno.ENOENT: N_("choose a folder you can write to"),
    errno.ENAMETOOLONG: N_("choose a shorter name"),
    errno.ELOOP: N_("files are never written through links: choose another place"),
}
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}


class OutputError(EscapeError):
    """A file or folder the user named was not written: why, and what to do."""


def shown_path(path: str | Path) -> str:
    """A path as a message shows it: control characters (from a crafted name) as '?', never cut."""
    return shown(str(path), None)


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


# what could not be done, by the step that failed: "cannot write PATH: REASON" (translated where shown)
_CANNOT = {
    "write": N_("cannot write {path}: {reason}"),
    "open the folder": N_("cannot open the folder {path}: {reason}"),
    "make the folder": N_("cannot make the folder {path}: {reason}"),
    "read the folder": N_("cannot read the folder {path}: {reason}"),
}


def _failed(what: str, path: str | Path, err: OSError | ValueError) -> OutputError:
    """`cannot write PATH: REASON; FIX; nothing was written`; `what` is a key of `_CANNOT`."""
    if isinstance(err, ValueError):  # a NUL, or a lone surrogate that has no bytes
        reason = _("a file name cannot hold that character")
        problem = _(_CANNOT[what]).format(path=shown_path(path), reason=reason)
        return OutputError(_("{problem}; nothing was written").format(problem=problem))
    problem = _(_CANNOT[what]).format(path=shown_path(path), reason=_reason(err))
    fix = _FIXES.get(err.errno or 0)
    if fix:
        return OutputError(_("{problem}; {fix}; nothing was written").format(problem=problem, fix=_(fix)))
    return OutputError(_("{problem}; nothing was written").format(problem=problem))


def _kind(mode: int) -> str | None:
    """What a file that is not a regular one is (None for a regular file): a key of the messages of
    `Folder._in_the_way`, English as written."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file (a device, FIFO or socket)"


def file_target(path: str, option: str) -> tuple[Path, str]:
    """The folder and the name of a file the user named with `option` (-o, --out); OutputError for a name
    that cannot be a file's."""
    if path == "":
        raise OutputError(_("{option}: the file name is empty; name a file; nothing was written").format(option=option))
    if "\0" in path:
        raise OutputError(
            _("{option}: a file name cannot hold a NUL character; nothing was written").format(option=option)
        )
    name = Path(path).name
    if name in ("", ".", "..") or path.endswith(("/", os.sep)):
        raise OutputError(
            _("{option} {path}: that names a folder; name a file; nothing was written").format(
                option=option, path=shown_path(path)
            )
        )
    return Path(path).parent, name


def _dir_fd_everywhere() -> bool:
    """Whether folders can be opened and files made relative to them (Linux, macOS, the BSDs)."""
    needed = {os.open, os.stat, os.mkdir, os.unlink, os.rmdir, os.link}
    return bool(DIRECTORY) and needed <= os.supports_dir_fd


# Without dir_fd (Windows) files are made by path, with the same checks just before (links are rare there).
HAS_DIR_FD = _dir_fd_everywhere()


def _open_dir(target: str | Path, dir_fd: int | None, follow: bool) -> int:
    """An fd of the folder `target` (in `dir_fd`), a link followed only if `follow`; -1 without dir_fd
    support, once the same checks are made by path. OSError as `open` raises it."""
    if HAS_DIR_FD:
        return os.open(target, os.O_RDONLY | DIRECTORY | CLOEXEC | (0 if follow else NO_FOLLOW), dir_fd=dir_fd)
    mode = os.stat(target, follow_symlinks=follow).st_mode
    if stat.S_ISLNK(mode):
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))
    if not stat.S_ISDIR(mode):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
    return -1


class Folder:
    """An open folder: files and folders are made in it by name, relative to the folder itself.

    `made` keeps what it made, so that `undo` can take it away again when a later step fails."""

    def __init__(self, fd: int, path: Path, made_above: list[Path] | None = None):
        self.fd = fd  # -1 without dir_fd support: then names are joined to `path`
        self.path = path
        self.made: list[tuple[str, Folder | None]] = []  # (name, None) for a file, (name, folder) for a folder
        self.made_above = made_above or []  # folders made on the way to this one (`open(create=True)`)

    def _at(self, name: str) -> tuple[str | Path, int | None]:
        """Where `name` is, for the os calls: (name, this folder's fd), or its path without dir_fd."""
        return (name, self.fd) if self.fd >= 0 else (self.path / name, None)

    # opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool = False, subject: str | Path | None = None) -> Folder:
        """The folder at `path`, as typed (links in it followed: the user named it). `create`: make it, and
        the folders above it, when missing (they are in `made_above`). `subject`: the file this is the
        folder of, for messages."""

        def about(message: str) -> str:  # the message about the file this folder is for, if any
            return (
                message if subject is None else _("{path}: {message}").format(path=shown_path(subject), message=message)
            )

        missing: list[str] = []
        here = path
        while True:
            try:
                fd = _open_dir(here, None, follow=True)
                break
            except FileNotFoundError:
                if not create:
                    message = _(
                        "the folder {path} does not exist; create it first or choose another folder; "
                        "nothing was written"
                    ).format(path=shown_path(here))
                    raise OutputError(about(message)) from None
                if here.name in ("", ".", "..") or here.parent == here:
                    message = _(
                        "cannot make the folder {path}: {missing} does not exist; create it first or choose "
                        "another folder; nothing was written"
                    ).format(path=shown_path(path), missing=shown_path(here))
                    raise OutputError(about(message)) from None
                missing.append(here.name)
                here = here.parent
            except NotADirectoryError:
                message = _("{path} is not a folder (or a folder on its way is a file); nothing was written").format(
                    path=shown_path(here)
                )
                raise OutputError(about(message)) from None
            except (OSError, ValueError) as err:
                raise _failed("open the folder", here, err) from None
        folder = cls(fd, here)
        made: list[Path] = []
        try:
            for name in reversed(missing):  # made one by one, each in the one above, never through a link
                target, dir_fd = folder._at(name)
                here = folder.path / name
                try:
                    os.mkdir(target, 0o777, dir_fd=dir_fd)
                    made.append(here)
                except FileExistsError:
                    pass
                inner = Folder(_open_dir(target, dir_fd, follow=False), here)
                folder.close()
                folder = inner
        except OSError as err:
            folder.close()
            for done in reversed(made):
                try:
                    os.rmdir(done)
                except OSError:
                    pass
            raise _failed("make the folder", here, err) from None
        return cls(folder.fd, path, made)

    def sub(self, name: str, *, create: bool = False, empty: bool = False) -> Folder:
        """The folder `name` in this one, never through a link. `create`: make it if it is missing (it is
        then in `made`); `empty`: refuse one that has anything in it."""
        path = self.path / name
        self._check_name(name, path)
        target, dir_fd = self._at(name)
        made = False
        if create:
            try:
                os.mkdir(target, 0o777, dir_fd=dir_fd)
                made = True
            except FileExistsError:
                pass
            except (OSError, ValueError) as err:
                raise _failed("make the folder", path, err) from None
        try:
            fd = _open_dir(target, dir_fd, follow=False)
        except (OSError, ValueError) as err:
            if made:
                os.rmdir(target, dir_fd=dir_fd)
            kind = self._kind_of(name)
            if kind is not None:
                raise OutputError(self._in_the_way(path, kind, "folder")) from None
            raise _failed("open the folder", path, err) from None
        child = Folder(fd, path)
        if made:
            self.made.append((name, child))
        elif empty:
            try:
                entries = os.listdir(fd if fd >= 0 else path)
            except OSError as err:
                child.close()
                raise _failed("read the folder", path, err) from None
            if entries:
                child.close()
                raise OutputError(
                    _("{path} already exists and is not empty; choose a new folder; nothing was written").format(
                        path=shown_path(path)
                    )
                )
        return child

    # what is there ---------------------------------------------------------------------------------------
    def _check_name(self, name: str, path: Path) -> None:
        if not name or name in (".", "..") or "/" in name or os.sep in name or "\0" in name:
            raise OutputError(
                _("{path}: not a name a file can have; nothing was written").format(path=shown_path(path))
            )

    def _lstat(self, name: str) -> os.stat_result | None:
        target, dir_fd = self._at(name)
        try:
            return os.stat(target, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            raise _failed("write", self.path / name, err) from None

    def _kind_of(self, name: str) -> str | None:
        """What is in the way of a folder `name`: "a file", "a symbolic link"... (None: nothing, or a folder;
        the words are keys, see `_kind`)."""
        target, dir_fd = self._at(name)
        try:
            mode = os.stat(target, dir_fd=dir_fd, follow_symlinks=False).st_mode
        except (OSError, ValueError):
            return None
        return "a file" if stat.S_ISREG(mode) else None if stat.S_ISDIR(mode) else _kind(mode)

    @staticmethod
    def _in_the_way(path: Path, kind: str, wanted: str) -> str:
        shown_as = shown_path(path)
        if kind == "a symbolic link":
            return _(
                "{path} is a symbolic link; nothing is ever written through links: remove it or choose another "
                "name; nothing was written"
            ).format(path=shown_as)
        if kind == "a folder":
            return _("{path} is a folder, not a file; name a file; nothing was written").format(path=shown_as)
        if wanted == "folder":
            return _("{path} already exists and is not a folder; choose a new folder; nothing was written").format(
                path=shown_as
            )
        return _(
            "{path} is not a regular file (a device, FIFO or socket); name a regular file; nothing was written"
        ).format(path=shown_as)

    def exists(self, name: str) -> bool:
        """Whether anything (a link included) has the name `name` here."""
        return self._lstat(name) is not None

    def check(self, name: str, *, force: bool = False) -> bool:
        """Whether `name` may be written here (True if it would replace a file, False if it is new);
        OutputError if not: a link, folder or special file, or an existing file without `force`."""
        path = self.path / name
        self._check_name(name, path)
        existing = self._lstat(name)
        if existing is None:
            return False
        kind = _kind(existing.st_mode)
        if kind is not None:
            raise OutputError(self._in_the_way(path, kind, "file"))
        if not force:
            raise OutputError(
                _(
                    "{path} already exists; add --force to replace it, or choose another name; nothing was written"
                ).format(path=shown_path(path))
            )
        return True

    def read(self, name: str, limit: int) -> bytes | None:
        """A regular file's bytes (at most `limit` + 1), never through a link and never waiting on a FIFO;
        None if there is no regular file of that name."""
        target, dir_fd = self._at(name)
        try:
            fd = os.open(target, os.O_RDONLY | NO_FOLLOW | NON_BLOCK | CLOEXEC, dir_fd=dir_fd)
        except (OSError, ValueError):
            return None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(limit + 1)

    # writing -----------------------------------------------------------------------------------------------
    def write(self, name: str, data: str | bytes, *, force: bool = False, expect: bytes | None = None) -> Path:
        """Write the file `name` atomically and never through a link: a new file, or (with `force`) one
        that replaces a regular file. `expect`: the file must still hold these bytes (it was read before
        and is being changed), else nothing is written."""
        path = self.path / name
        raw = data.encode("utf-8") if isinstance(data, str) else data
        replacing = self.check(name, force=force or expect is not None)
        if expect is not None and (not replacing or self.read(name, len(expect)) != expect):
            raise OutputError(
                _("{path} changed while it was being written; nothing was written").format(path=shown_path(path))
            )
        old = self._lstat(name) if replacing else None
        target, dir_fd = self._at(name)
        tmp, _unused = self._at(f".escape-{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW | CLOEXEC, 0o666, dir_fd=dir_fd)
        except (OSError, ValueError) as err:
            raise _failed("write", path, err) from None
        try:
            try:
                if old is not None and hasattr(os, "fchmod"):
                    os.fchmod(fd, stat.S_IMODE(old.st_mode))  # it keeps its permissions, whatever the umask
                write_all(fd, raw)
                os.fsync(fd)
            finally:
                os.close(fd)
            if replacing:
                os.replace(tmp, target, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            else:
                _place(tmp, target, dir_fd, raw)
        except FileExistsError:
            raise OutputError(
                _("{path} appeared while it was being written; nothing was written").format(path=shown_path(path))
            ) from None
        except OSError as err:
            raise _failed("write", path, err) from None
        finally:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
        if not replacing:
            self.made.append((name, None))
        if self.fd >= 0:
            try:
                os.fsync(self.fd)  # the new name is on disk too
            except OSError:
                pass
        return path

    # undoing and closing --------------------------------------------------------------------------------
    def undo(self) -> None:
        """Remove what this folder made (files, folders, and the folders made on the way to it), newest
        first; what was replaced stays replaced."""
        for name, child in reversed(self.made):
            target, dir_fd = self._at(name)
            try:
                if child is None:
                    os.unlink(target, dir_fd=dir_fd)
                    continue
                # opened again: the folder's own fd may be closed by now
                with Folder(_open_dir(target, dir_fd, follow=False), child.path) as again:
                    again.made = child.made
                    again.undo()
                os.rmdir(target, dir_fd=dir_fd)
            except OSError:
                pass
        self.made.clear()
        for path in reversed(self.made_above):
            try:
                os.rmdir(path)
            except OSError:
                pass
        self.made_above = []

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        for _name, child in self.made:
            if child is not None:
                child.close()

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _place(tmp: str | Path, target: str | Path, dir_fd: int | None, raw: bytes) -> None:
    """Give the written file its name, failing if the name is taken (FileExistsError)."""
    try:
        os.link(tmp, target, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        return
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
    # a file system without hard links: create the file itself, exclusively, and write it there
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_FOLLOW | CLOEXEC, 0o666, dir_fd=dir_fd)
    try:
        try:
            write_all(fd, raw)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        os.unlink(target, dir_fd=dir_fd)
        raise


def write_all(fd: int, data: bytes) -> None:
    """Every byte of `data` to `fd` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def check_file(path: str, *, force: bool = False, option: str = "-o") -> None:
    """Refuse now, before any work, a file the user named that `write_file` would refuse."""
    parent, name = file_target(path, option)
    with Folder.open(parent, subject=path) as folder:
        folder.check(name, force=force)


def write_file(path: str, data: str | bytes, *, force: bool = False, option: str = "-o") -> Path:
    """Write the file the user named with `option`: a new file, or with `force` a replaced regular file;
    never through a link, never a folder or special file, atomically (see the module's docstring)."""
    parent, name = file_target(path, option)
    with Folder.open(parent, subject=path) as folder:
        folder.write(name, data, force=force)
    return Path(path)


@contextmanager
def new_folder(path: Path) -> Iterator[Folder]:
    """A folder to fill: made (with the folders above it) or an existing empty one, never a link. If the
    block fails, everything made in it is removed again."""
    parent = Folder.open(path.parent, create=True, subject=path)
    try:
        with parent.sub(path.name, create=True, empty=True) as folder:
            try:
                yield folder
            except BaseException:
                folder.undo()
                raise
    except BaseException:
        parent.undo()
        raise
    finally:
        parent.close()
