"""Writing files so that unchanged content keeps its bytes and mtime (Sphinx and rsync-like syncs skip them)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write text (UTF-8) or bytes unless the file already holds exactly that; True if written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def copy_if_changed(source: Path, target: Path) -> bool:
    return write_if_changed(target, source.read_bytes())


def sync_tree(source: Path, target: Path) -> None:
    """Make target hold exactly source's files: changed ones copied, others kept, extra ones removed."""
    wanted = {p.relative_to(source) for p in source.rglob("*") if p.is_file()} if source.exists() else set()
    for rel in wanted:
        copy_if_changed(source / rel, target / rel)
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            if path.is_file() and path.relative_to(target) not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def write_atomic(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove(path: Path) -> None:
    """Remove a file, a symlink or a folder, if present."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
