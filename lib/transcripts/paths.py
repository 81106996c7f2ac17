"""Where things live. Every path in the project is derived from this file's location."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent.parent
RESOURCES_DIR = PACKAGE_DIR / "resources"
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
TABLES_DIR = OUTPUTS_DIR / "tables"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
SAMPLE_FILE = RAW_DIR / "mid_ru_en_2019-12-10_lavrov_pompeo_press_conference.txt"
KERNEL_NAME = "transcripts"


def resolve(path: str | Path) -> Path:
    """Resolve a path given relative to the project root (as notebooks' parameters are).

    Absolute paths are returned unchanged, so users may point at folders anywhere.

    >>> resolve("data/raw") == RAW_DIR
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def display_path(path: str | Path, *, follow_link: bool = True) -> str:
    """A path as reports and tables show it: relative to the project root (`data/raw/x.txt`,
    `../shared/corpora/kremlin_pages`), so no machine path leaks into outputs. With `follow_link=False`
    a link is shown as itself, not as what it points to.

    >>> display_path(RAW_DIR / "x.txt"), display_path(PROJECT_ROOT.parent / "no_such_folder" / "y")
    ('data/raw/x.txt', '../no_such_folder/y')
    """
    try:
        p = Path(path).resolve() if follow_link else Path(path).parent.resolve() / Path(path).name
    except (OSError, RuntimeError):  # a loop of links: shown as given, made absolute
        p = Path(os.path.abspath(path))
    try:
        return p.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return os.path.relpath(p, PROJECT_ROOT).replace(os.sep, "/")
