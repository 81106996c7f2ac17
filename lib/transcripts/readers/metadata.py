"""Metadata for any file, not only the formats the readers know.

Four sources, besides what a reader finds in the page itself:

- **YAML front matter** at the top of any text file (`---` … `---`): `title`, `date`, `place`,
  `principal`, `counterpart`, `event_type`, `source_url`, `published` / `published_time`. Read with a
  size cap and without alias expansion (a "billion laughs" front matter is refused in microseconds and
  reported), and only scalar values are taken.
- **`metadata.csv` beside the files**: `file, title, date, place, principal, event_type, roles`
  (`roles`: `Name=role; Name=role`). Its values win over what was read from the text.
- **a date in the file name** (`2024-03-14`, `2024_03_14`, `20240314`) when nothing else gave one.
- a **"Title, Place, Date" first line** (read by `mid_text.parse_title`).

Every value taken from the file name or guessed is reported in the document's warnings.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ..errors import TranscriptError
from ..smallcsv import read_rows
from ..model import ROLES, Document, LogEntry

FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(?P<yaml>.*?)(?:\r?\n)---[ \t]*(?=\r?\n|\Z)", re.S)
#: Front matter larger than this is not parsed (real front matter is a few hundred bytes).
MAX_FRONT_MATTER = 64 * 1024
#: Front-matter keys taken, and the document attribute each fills.
FIELDS = {"title": "title", "date": "event_date", "event_date": "event_date", "place": "place",
          "location": "place", "principal": "principal", "speaker": "principal", "counterpart": "counterpart",
          "event_type": "event_type", "type": "event_type", "source_url": "source_url", "url": "source_url",
          "published": "published_at", "published_time": "published_at", "published_at": "published_at"}
METADATA_FILE = "metadata.csv"
_FILE_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_.]?(?P<m>0[1-9]|1[0-2])[-_.]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")


class _NoAliasLoader:
    """Built lazily: a SafeLoader that refuses aliases (`*name`), so nothing can expand."""

    _cls = None

    @classmethod
    def get(cls):
        if cls._cls is None:
            import yaml

            class Loader(yaml.SafeLoader):
                def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
                    if self.check_event(yaml.AliasEvent):
                        event = self.peek_event()
                        raise yaml.constructor.ConstructorError(
                            None, None, "YAML aliases (*name) are not allowed in front matter", event.start_mark)
                    return super().compose_node(parent, index)

            cls._cls = Loader
        return cls._cls


def load_yaml_mapping(source: str) -> tuple[dict | None, str | None]:
    """(mapping, None) or (None, why not): bounded YAML, no aliases, scalar values only.

    >>> load_yaml_mapping("title: Briefing\\ndate: 2024-03-05\\ntags: [a, b]")
    ({'title': 'Briefing', 'date': datetime.date(2024, 3, 5)}, None)
    >>> load_yaml_mapping("a: &x [1]\\nb: [*x, *x]")[1]
    'it uses YAML aliases (*name), which are not allowed'
    """
    if len(source) > MAX_FRONT_MATTER:
        return None, f"it is {len(source) // 1024} KB, over the {MAX_FRONT_MATTER // 1024} KB limit"
    import yaml
    try:
        data = yaml.load(source, Loader=_NoAliasLoader.get())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        if "aliases" in str(exc):
            return None, "it uses YAML aliases (*name), which are not allowed"
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return None, f"it is not valid YAML{where}"
    except RecursionError:
        return None, "it is nested too deeply"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return None, "it is not a mapping of keys to values"
    return {str(k): v for k, v in data.items() if isinstance(v, (str, int, float, date, datetime)) and
            not isinstance(v, bool)}, None


def read_front_matter(doc: Document) -> tuple[int, dict]:
    """Log the front matter of `doc.text` (if any) and return (where the body starts, its scalar fields).

    A front matter that cannot be read is still logged; the reason is in `doc.warnings`.
    """
    m = FRONT.match(doc.text)
    if not m:
        return 0, {}
    doc.log.append(LogEntry(0, m.end(), "front matter (YAML)"))
    meta, problem = load_yaml_mapping(m.group("yaml"))
    if problem:
        doc.warnings.append(f"front matter not read: {problem}")
        return m.end(), {}
    return m.end(), meta


def apply_fields(doc: Document, meta: dict, *, source: str) -> list[str]:
    """Set document attributes from metadata fields; return the names of the fields set."""
    done = []
    for key, value in meta.items():
        attr = FIELDS.get(key.strip().lower())
        if attr is None or value is None or str(value).strip() == "":
            continue
        if attr == "event_date":
            value = iso_date(value)
            if value is None:
                doc.warnings.append(f"{source}: date {meta[key]!r} is not a date (YYYY-MM-DD); ignored")
                continue
        elif attr == "published_at":
            value = iso_datetime(value)
            if value is None:
                continue
        else:
            value = " ".join(str(value).replace("\u2060", "").split())
        setattr(doc, attr, value)
        done.append(attr)
    return done


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD from a date, a datetime or a string starting with one.

    >>> iso_date("2024-03-05"), iso_date(date(2024, 3, 5)), iso_date("March 5")
    ('2024-03-05', '2024-03-05', None)
    """
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return None
    return None


def iso_datetime(value: object) -> str | None:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, str) and (m := re.match(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})", value.strip())):
        return f"{m.group(1)}T{m.group(2)}"
    return iso_date(value)


def date_in_name(path: str | Path) -> str | None:
    """An ISO date written in a file name.

    >>> date_in_name("briefings/mea_2024_02_29_corrected.txt"), date_in_name("news_54271.html")
    ('2024-02-29', None)
    """
    for m in _FILE_DATE.finditer(Path(path).name):
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
        except ValueError:
            continue
    return None


# -- metadata.csv ------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _sidecar(folder: str, mtime_ns: int) -> dict[str, dict]:
    """Rows of `folder/metadata.csv` by file name (and by path relative to the folder)."""
    path = Path(folder) / METADATA_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(path, f"cannot read the metadata file ({exc})",
                              hint="Save metadata.csv as UTF-8 with a header row: file,title,date,place,principal,"
                                   "event_type,roles") from None
    hint = "Columns: file,title,date,place,principal,event_type,roles; put a value holding a comma in double quotes"
    header, records = read_rows(text, path, what="metadata.csv", hint=hint)
    if "file" not in header:
        raise TranscriptError(path, "metadata.csv needs a `file` column", line=1, hint=hint)
    rows = {}
    for _, row in records:
        if row.get("file"):
            rows[row["file"].replace("\\", "/")] = row
    return rows


def sidecar_rows(folder: str | Path) -> dict[str, dict]:
    """The rows of `folder/metadata.csv` by file name ({} when there is none).

    Raises:
        TranscriptError: the file cannot be read, or is not a well-formed CSV (naming the line).
    """
    meta = Path(folder) / METADATA_FILE
    try:
        mtime = meta.stat().st_mtime_ns
    except OSError:
        return {}
    return _sidecar(str(folder), mtime)


def sidecar_row(path: str | Path) -> dict | None:
    """The `metadata.csv` row for a file, from the file's own folder (None when it has none).

    Raises:
        TranscriptError: the folder's metadata.csv is broken (`build` reports that once, and reads the
            folder's transcripts without it).
    """
    path = Path(path)
    return sidecar_rows(path.parent).get(path.name)


def apply_sidecar(doc: Document, row: dict, *, roles: bool) -> None:
    """Fill a document from its `metadata.csv` row: its fields, or (`roles=True`) the roles of the
    speakers its `roles` column names."""
    if not roles:
        apply_fields(doc, {k: v for k, v in row.items() if k not in ("roles", "file") and v}, source=METADATA_FILE)
        return
    roles = row.get("roles") or ""
    for part in filter(None, (p.strip() for p in re.split(r"[;|]", roles))):
        if "=" not in part and ":" not in part:
            doc.warnings.append(f"{METADATA_FILE}: roles entry {part!r} is not `Name=role`; ignored")
            continue
        who, role = (x.strip() for x in re.split(r"[=:]", part, maxsplit=1))
        if role not in ROLES:
            doc.warnings.append(f"{METADATA_FILE}: unknown role {role!r} for {who}; ignored")
            continue
        for turn in doc.turns:
            if turn.speaker.lower() == who.lower():
                turn.role = role
