"""Nothing lost, nothing stale (issue 17, items 1, 3, 5, 7, 8, 9): table writes that are atomic and
exclusive, a cache keyed by the bytes actually read, a dead worker named, every file of a corpus read or
reported, one clear line instead of a traceback, ids for names without ASCII letters, parameters checked
before anything runs, and no machine path in what a run writes.

Permissions: the tests run as root in CI, where `chmod 000` stops nothing; there the refusal the system
would give (PermissionError, a read-only disk) is raised at the same call, otherwise the real chmod is used.
"""
from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import transcripts.build as build
from transcripts import TranscriptError, build_corpus, load_tables, write_tables
from transcripts.__main__ import main
from transcripts.build import scan_corpus, tables_written_for
from transcripts.paths import PROJECT_ROOT, RAW_DIR

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
LAVROV = ("Sergey Lavrov: Ladies and gentlemen, good afternoon. We held talks today.\n\n"
          "Question: Mr Lavrov, what about the treaty?\n\nSergey Lavrov: We are ready to extend it.\n")


def _corpus(folder: Path, n: int = 3, **extra: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"talk_{i}.txt").write_text(LAVROV.replace("today", f"on day {i}"), encoding="utf-8")
    for name, text in extra.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _turn_texts(tables) -> list[str]:
    return tables["turns"].sort_values(["doc_id", "turn_index"]).text.tolist()


# ---------------------------------------------------------------- 1. atomic and exclusive table writes

@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Two different sets of tables (their turn texts differ) and their keys."""
    root = tmp_path_factory.mktemp("two_builds")
    a = build_corpus(_corpus(root / "a", 3), progress=False)
    b = build_corpus(_corpus(root / "b", 5), progress=False)
    assert a.key and b.key and a.key != b.key
    return a, b


def test_tables_are_certified_by_a_stamp_that_load_checks(tmp_path, two_builds):
    a, _ = two_builds
    out = write_tables(a.tables, tmp_path / "p", key=a.key)
    stamp = json.loads((out / ".build_key").read_text())
    assert stamp["key"] == a.key and stamp["rows"]["turns"] == len(a.tables["turns"])
    assert tables_written_for(out, a.key) and _turn_texts(load_tables(out)) == _turn_texts(a.tables)
    assert not list(out.glob(".*.tmp"))  # temporary names renamed into place
    (out / ".build_key").unlink()
    with pytest.raises(TranscriptError, match="not certified by a finished build"):
        load_tables(out)
    assert not tables_written_for(out, a.key)


def test_a_table_from_another_write_is_refused(tmp_path, two_builds):
    a, b = two_builds
    out_a = write_tables(a.tables, tmp_path / "a", key=a.key)
    out_b = write_tables(b.tables, tmp_path / "b", key=b.key)
    (out_b / "turns.parquet").replace(out_a / "turns.parquet")  # a mix: a's stamp, one table of b's
    with pytest.raises(TranscriptError, match=r"turns.parquet: this table is not the one the build's stamp certifies"):
        load_tables(out_a)
    assert not tables_written_for(out_a, a.key)


def _write_in_child(tables, out, key, barrier) -> None:
    barrier.wait()
    write_tables(tables, out, key=key)


@pytest.mark.parametrize("lock", [True, False], ids=["locked", "lock_unavailable"])
def test_two_writers_at_once_never_leave_a_certified_mix(tmp_path, two_builds, monkeypatch, lock):
    # The probe's race: two builds writing into one folder at once. With the lock the second waits; without
    # it (a file system with no locks), the stamp's write id still refuses any mix. 20 trials each.
    a, b = two_builds
    if not lock:
        from contextlib import nullcontext
        monkeypatch.setattr("transcripts.outdir.folder_lock", lambda folder: nullcontext())
    ctx = multiprocessing.get_context("fork")
    certified = {"a": 0, "b": 0, "none": 0}
    for trial in range(20):
        out = tmp_path / f"out{trial}"
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_write_in_child, args=(r.tables, out, r.key, barrier)) for r in (a, b)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
        try:
            texts = _turn_texts(load_tables(out))
        except TranscriptError:
            certified["none"] += 1  # refused, never read
            assert not tables_written_for(out, a.key) and not tables_written_for(out, b.key)
            continue
        which = "a" if texts == _turn_texts(a.tables) else "b"
        assert texts == _turn_texts((a if which == "a" else b).tables)  # all of one build, nothing of the other
        assert tables_written_for(out, (a if which == "a" else b).key)
        certified[which] += 1
    if lock:
        assert certified["none"] == 0  # one after the other: the last one's tables, whole


def _killed_during_write(tables, out, key) -> None:
    real = build._write_parquet
    written = []

    def then_killed(df, path, write_id):
        real(df, path, write_id)
        written.append(path)
        if len(written) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    build._write_parquet = then_killed
    write_tables(tables, out, key=key)


def test_a_build_killed_while_writing_leaves_nothing_certified(tmp_path, two_builds):
    a, b = two_builds
    out = write_tables(a.tables, tmp_path / "p", key=a.key)
    proc = multiprocessing.get_context("fork").Process(target=_killed_during_write, args=(b.tables, out, b.key))
    proc.start()
    proc.join(60)
    assert proc.exitcode == -signal.SIGKILL
    with pytest.raises(TranscriptError, match="not certified"):  # two of b's tables, three of a's: refused
        load_tables(out)
    assert not tables_written_for(out, a.key) and not tables_written_for(out, b.key)
    write_tables(b.tables, out, key=b.key)  # the next build writes (the lock died with the killed process)
    assert _turn_texts(load_tables(out)) == _turn_texts(b.tables)


def test_disk_full_while_writing_is_one_line_and_certifies_nothing(tmp_path, two_builds, monkeypatch, capsys):
    import pyarrow.parquet as pq
    a, b = two_builds
    out = write_tables(a.tables, tmp_path / "p", key=a.key)
    real, calls = pq.write_table, []

    def full(table, where, **kwargs):
        calls.append(where)
        if len(calls) == 3:
            Path(where).write_bytes(b"PAR1 half a table")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(table, where, **kwargs)

    def full_copy(source, where):  # the build's own files are copied as they are: the same disk, as full
        calls.append(where)
        if len(calls) == 3:
            Path(where).write_bytes(b"PAR1 half a table")
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_copy(source, where)

    real_copy = shutil.copyfile
    monkeypatch.setattr(pq, "write_table", full)
    monkeypatch.setattr(shutil, "copyfile", full_copy)
    with pytest.raises(TranscriptError, match=r"could not write the tables \(No space left on device\)\. "
                                              r"Free some disk space"):
        write_tables(b.tables, out, key=b.key)
    assert not list(out.glob(".*.tmp"))  # the half-written table is gone
    with pytest.raises(TranscriptError, match="not certified"):
        load_tables(out)
    calls.clear()
    corpus = _corpus(tmp_path / "c", 2)
    assert main(["build", str(corpus), "--out", str(tmp_path / "cli"), "--quiet", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err and "Traceback" not in err


def test_two_build_commands_into_one_folder(tmp_path):
    # The probe's reproduction with the real command, twice at once (the fork test above runs it 20 times).
    a, b = _corpus(tmp_path / "a", 3), _corpus(tmp_path / "b", 4)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "transcripts", "build", "--out", str(out), "--quiet"]
    procs = [subprocess.Popen([*cmd, str(c)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in (a, b)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    tables = load_tables(out)
    assert len(tables["documents"]) in (3, 4)
    assert tables["documents"].source_path.str.contains(f"/{'a' if len(tables['documents']) == 3 else 'b'}/").all()


# ---------------------------------------------------------------- 3. the cache keys the bytes read

def _edit_while_reading(monkeypatch, path: Path, versions: list[str]):
    """Each time `path` is read, the next version is written to it just after (as an editor saving)."""
    real = build.read_documents

    def read(p, **kwargs):
        docs = real(p, **kwargs)
        if Path(p) == path and versions:
            path.write_text(versions.pop(0), encoding="utf-8")
        return docs

    monkeypatch.setattr(build, "read_documents", read)


def test_a_file_edited_during_the_build_never_poisons_the_cache(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "c", 2)
    f = corpus / "talk_0.txt"
    old, new = f.read_text(encoding="utf-8"), LAVROV.replace("extend", "renew")
    cache = tmp_path / "cache"
    _edit_while_reading(monkeypatch, f, [new])  # the build reads the old text, the file is then the new one
    first = build_corpus(corpus, progress=False, cache_dir=cache)
    assert "We are ready to renew it." in _turn_texts(first.tables)  # read again once it stopped changing
    monkeypatch.undo()
    f.write_text(old, encoding="utf-8")  # back to the old content: the old text, not the cached new one
    again = build_corpus(corpus, progress=False, cache_dir=cache)
    fresh = build_corpus(corpus, progress=False)
    assert _turn_texts(again.tables) == _turn_texts(fresh.tables)
    assert "We are ready to extend it." in _turn_texts(again.tables)
    assert again.key == fresh.key


def test_a_file_changed_between_hashing_and_reading_is_keyed_by_what_was_read(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "c", 2)
    f = corpus / "talk_0.txt"
    old, new = f.read_text(encoding="utf-8"), LAVROV.replace("extend", "renew")
    real_hashes = build._file_hashes

    def hashed_then_edited(files, cache=None, max_bytes=build.MAX_BYTES):
        out = real_hashes(files, cache, max_bytes)
        f.write_text(new, encoding="utf-8")  # edited after the build hashed it, before it read it
        return out

    monkeypatch.setattr(build, "_file_hashes", hashed_then_edited)
    cache = tmp_path / "cache"
    result = build_corpus(corpus, progress=False, cache_dir=cache)
    assert "We are ready to renew it." in _turn_texts(result.tables)
    assert any("talk_0.txt changed while the build ran" in n for n in result.notes)
    monkeypatch.undo()
    assert result.key == build_corpus(corpus, progress=False).key  # the key names the bytes the tables hold
    f.write_text(old, encoding="utf-8")
    assert "We are ready to extend it." in _turn_texts(build_corpus(corpus, progress=False, cache_dir=cache).tables)


def test_a_file_that_keeps_changing_is_reported_not_cached(tmp_path, monkeypatch, capsys):
    corpus = _corpus(tmp_path / "c", 2)
    f = corpus / "talk_0.txt"
    _edit_while_reading(monkeypatch, f, [LAVROV + f"\nQuestion: edit {i}?\n" for i in range(10)])
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "talk_0.txt: the file changed while it was being read. Build again once nothing is writing to it" in err
    tables = load_tables(out)
    assert tables["documents"].doc_id.tolist() == ["talk_1"]  # the other file is built
    assert not tables_written_for(out, json.loads((out / ".build_key").read_text())["key"])  # nothing certified
    monkeypatch.undo()
    assert main(["build", str(corpus), "--out", str(out), "--quiet"]) == 0  # read again, not from the cache
    assert sorted(load_tables(out)["documents"].doc_id) == ["talk_0", "talk_1"]


# ---------------------------------------------------------------- 5. a worker that dies

def _killer(job):
    if Path(job[0]).name == "talk_4.txt":
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
    return REAL_PROCESS_FILE(job)


REAL_PROCESS_FILE = build._process_file


@pytest.mark.parametrize("n_files", [10, 40])
def test_a_worker_killed_mid_build_names_its_file_and_the_others_are_built(tmp_path, monkeypatch, capsys, n_files):
    corpus = _corpus(tmp_path / "c", n_files)
    monkeypatch.setattr(build, "_process_file", _killer)  # forked workers inherit it
    result = build_corpus(corpus, progress=False, workers=2)
    assert [(Path(e.path).name, e.message) for e in result.errors] == [
        ("talk_4.txt", "the process reading the file stopped: killed by signal SIGKILL (the system may have run "
                       "out of memory)")]
    assert len(result.tables["documents"]) == n_files - 1 and result.key is None
    ids = result.tables["documents"].doc_id.tolist()
    assert ids == sorted(ids)  # corpus order kept
    status = main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err and "BrokenProcessPool" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        f"error: {build.display_path(corpus / 'talk_4.txt')}: the process reading the file stopped: killed by signal "
        "SIGKILL (the system may have run out of memory). The other files were built; if memory ran out, free some "
        "or split the file"]


# ---------------------------------------------------------------- 7. every file read or reported

@pytest.fixture
def deny(monkeypatch):
    """Make a file or folder unreadable: chmod 000, or (as root, whom chmod does not stop) the
    PermissionError the system would raise at the same call."""
    denied: list[Path] = []

    def make(path: Path) -> None:
        if not ROOT:
            path.chmod(0)
            denied.append(path)
            return
        real_scandir, real_open = os.scandir, open

        def scandir(p="."):
            if Path(p) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(p))
            return real_scandir(p)

        def opener(p, *args, **kwargs):
            if not isinstance(p, int) and Path(p) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(p))
            return real_open(p, *args, **kwargs)

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr("builtins.open", opener)
        monkeypatch.setattr("io.open", opener)

    yield make
    for path in denied:
        path.chmod(0o755)


def test_an_unreadable_folder_is_reported_and_the_rest_built(tmp_path, deny, capsys):
    corpus = _corpus(tmp_path / "c", 2)
    locked = _corpus(corpus / "locked", 1)
    deny(locked)
    result = build_corpus(corpus, progress=False)
    assert sorted(result.tables["documents"].doc_id) == ["talk_0", "talk_1"]
    assert [e.message for e in result.errors] == [
        "cannot list the folder (Permission denied), so its files were not read"]
    assert result.errors[0].path.endswith("c/locked")
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    assert "locked: cannot list the folder (Permission denied)" in capsys.readouterr().err


def test_an_unreadable_file_is_one_clear_line_not_an_internal_error(tmp_path, deny, capsys):
    corpus = _corpus(tmp_path / "c", 2)
    deny(corpus / "talk_1.txt")
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--no-cache"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "talk_1.txt: cannot read the file (Permission denied). Check that you may read " \
                                "it (permissions)" in errors[0] and "internal error" not in errors[0]
    assert load_tables(tmp_path / "out")["documents"].doc_id.tolist() == ["talk_0"]


def test_links_dangling_looping_and_to_folders_are_read_or_reported(tmp_path, capsys):
    outside = _corpus(tmp_path / "elsewhere", 1)
    corpus = _corpus(tmp_path / "c", 1)
    (corpus / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")  # a link to itself: "too many levels of links"
    (corpus / "sub").mkdir()
    (corpus / "sub" / "up").symlink_to(corpus)  # a folder loop
    (corpus / "outside").symlink_to(outside)  # a folder elsewhere: read, once
    (corpus / "outside_again").symlink_to(outside)
    (corpus / "alias.txt").symlink_to(corpus / "talk_0.txt")  # a link to a file: read (a duplicate here)
    listing = scan_corpus(corpus)
    assert [p.relative_to(corpus).as_posix() for p in listing.files] == ["alias.txt", "outside/talk_0.txt",
                                                                           "talk_0.txt"]
    problems = {Path(e.path).name: e.message for e in listing.problems}
    assert problems == {"dangling.txt": f"a link to {tmp_path / 'gone.txt'}, which does not exist",
                        "loop.txt": "a link that leads round in a loop of links"}
    skipped = {Path(p).name: why for p, why in listing.skipped}
    assert skipped["up"].startswith("a link to a folder that is read anyway")
    assert skipped["outside_again"].startswith("a link to a folder that is read anyway")
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "dangling.txt: a link to" in err and "loop.txt: a link that leads round" in err
    assert "skipped (a link to a folder that is read anyway" in err


def test_documentation_and_hidden_files_are_listed_as_skipped(tmp_path, capsys):
    corpus = _corpus(tmp_path / "c", 1, **{"README.md": "# About", "LICENSE": "MIT", "NOTICE.txt": "n",
                                           "index.csv": "id,url\n1,x\n", ".DS_Store": "x"})
    result = build_corpus(corpus, progress=False)
    assert result.ok and result.tables["documents"].doc_id.tolist() == ["talk_0"]
    assert sorted(Path(p).name for p, _ in result.skipped) == [".DS_Store", "LICENSE", "NOTICE.txt", "README.md",
                                                                "index.csv"]
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"skipped \(documentation, not a transcript \(README\*, LICENSE\*, NOTICE\*, COPYING\*, "
                     r"index.csv are not read\)\): .*LICENSE, .*NOTICE.txt, .*README.md, .*index.csv", err)
    assert re.search(r"skipped \(hidden \(the name starts with a dot\)\): .*\.DS_Store", err)


def test_1500_nested_folders(tmp_path):
    deep = tmp_path / "c"
    folder = deep
    for _ in range(1501):  # one level at a time (pathlib's own mkdir(parents=True) recurses)
        folder.mkdir()
        folder = folder / "a"
    _corpus(folder, 1)
    result = build_corpus(deep, progress=False)  # was a RecursionError
    assert result.ok and result.tables["documents"].doc_id.tolist() == ["talk_0"]
    for f in folder.iterdir():  # tidy up one level at a time (shutil.rmtree recurses too)
        f.unlink()
    while folder != deep:
        folder.rmdir()
        folder = folder.parent


# ---------------------------------------------------------------- 8. one clear line, never a traceback

def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_out_that_is_a_file(tmp_path, capsys):
    (tmp_path / "out").write_text("x")
    assert main(["build", str(_corpus(tmp_path / "c")), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "out: the output folder is a file, not a folder" in _one_error_line(capsys)
    assert main(["run", "--corpus", str(tmp_path / "c"), "--out", str(tmp_path / "out"), "--only", "01"]) == 2
    assert "the output folder is a file, not a folder" in _one_error_line(capsys)


def test_out_that_is_read_only(tmp_path, capsys, monkeypatch):
    out = tmp_path / "ro"
    out.mkdir()
    if ROOT:  # the refusal a read-only disk gives, at the first write
        import tempfile

        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(tempfile, "mkstemp", read_only)
    else:
        out.chmod(0o555)
    try:
        assert main(["build", str(_corpus(tmp_path / "c")), "--out", str(out), "--quiet"]) == 2
    finally:
        out.chmod(0o755)
    line = _one_error_line(capsys)
    assert "ro: nothing can be written in the output folder" in line and "--out" in line


@pytest.mark.parametrize("value, shown", [("nan", "nan"), ("inf", "inf"), ("0", "0.0"), ("-5", "-5.0")])
def test_max_mb_is_validated(tmp_path, capsys, value, shown):
    assert main(["build", str(_corpus(tmp_path / "c")), "--out", str(tmp_path / "out"), "--max-mb", value]) == 2
    assert f"the size limit must be a number of megabytes above 0 (got {shown})" in _one_error_line(capsys)
    assert not (tmp_path / "out" / "turns.parquet").exists()


def test_max_mb_is_the_limit(tmp_path, capsys):
    corpus = _corpus(tmp_path / "c", 1)
    (corpus / "big.txt").write_text(LAVROV * 4000, encoding="utf-8")  # about 0.5 MB
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--max-mb", "0.25"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "big.txt" in errors[0] and "--max-mb" in errors[0]
    assert load_tables(tmp_path / "out")["documents"].doc_id.tolist() == ["talk_0"]


def test_a_param_value_that_is_not_yaml(capsys):
    assert main(["run", "-p", "top_terms", "[unclosed"]) == 2
    line = _one_error_line(capsys)
    assert "-p top_terms: '[unclosed' is not a valid value" in line and "Quote text" in line


def test_a_params_file_that_is_not_utf8(tmp_path, capsys):
    f = tmp_path / "p.yaml"
    f.write_bytes("top_terms: 5\nfreq: \"ann\u00e9e\"\n".encode("latin-1"))
    assert main(["run", "--params", str(f), "--out", str(tmp_path / "out")]) == 2
    line = _one_error_line(capsys)
    assert "p.yaml, line 2: the parameters file is not UTF-8 (byte 0xe9" in line and "Re-save it as UTF-8" in line


def test_a_speaker_registry_that_is_not_utf8(tmp_path, capsys):
    reg = tmp_path / "speakers.csv"
    reg.write_bytes("label,canonical,role,affiliation\nMme Zakharova,Maria Zakharova,official,Minist\u00e8re\n"
                    .encode("latin-1"))
    status = main(["build", str(_corpus(tmp_path / "c")), "--out", str(tmp_path / "out"), "--speakers", str(reg)])
    assert status == 2
    line = _one_error_line(capsys)
    assert "speakers.csv, line 2: the speaker registry is not UTF-8 (byte 0xe8" in line


# ---------------------------------------------------------------- 9. ids, parameters, machine paths

def test_names_without_ascii_letters_get_distinct_meaningful_ids(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    names = ["Брифинг Захаровой.txt", "Пресс-конференция.txt", "记者会.txt", "发布会.txt", "Συνέντευξη.txt"]
    for i, name in enumerate(names):
        (corpus / name).write_text(LAVROV.replace("today", f"on day {i}"), encoding="utf-8")
    ids = build_corpus(corpus, progress=False).tables["documents"].set_index("source_path").doc_id
    by_name = {Path(p).name: i for p, i in ids.items()}
    assert by_name["Брифинг Захаровой.txt"] == "brifing_zakharovoy"
    assert by_name["Пресс-конференция.txt"] == "press-konferentsiya"
    assert by_name["Συνέντευξη.txt"] == "synenteyxi"
    assert re.fullmatch(r"doc_[0-9a-f]{8}", by_name["记者会.txt"]) and re.fullmatch(r"doc_[0-9a-f]{8}", by_name["发布会.txt"])
    assert len(set(by_name.values())) == 5 and not any(i.startswith("document") for i in by_name.values())


def test_a_params_section_for_a_missing_notebook_is_refused(tmp_path, capsys):
    f = tmp_path / "p.yaml"
    f.write_text('"07":\n  top_terms: 5\n', encoding="utf-8")
    assert main(["run", "--params", str(f), "--out", str(tmp_path / "out")]) == 2
    line = _one_error_line(capsys)
    assert "the section '07' is for a notebook that does not exist" in line and "02_speaker_statistics" in line
    assert not (tmp_path / "out").exists()  # refused before anything ran


@pytest.mark.parametrize("name, value, message", [
    ("doc_ids", "nope", "parameter doc_ids must be a list, not text ('nope')"),
    ("top_terms", "many", "parameter top_terms must be a whole number, not text ('many')"),
    ("top_terms", 2.5, "parameter top_terms must be a whole number, not a number (2.5)"),
    ("prior_strength", True, "parameter prior_strength must be a number, not true or false (True)"),
])
def test_parameter_types_are_checked_before_anything_runs(tmp_path, capsys, name, value, message):
    from transcripts.workbook import run_workbook
    with pytest.raises(TranscriptError, match=re.escape(message)):
        run_workbook(out=tmp_path / "out", only=["02"], params={name: value}, progress=False)
    assert not (tmp_path / "out").exists()


def test_parameters_of_the_right_type_pass():
    from transcripts.workbook import check_types, find_notebooks, notebook_parameters
    nb = find_notebooks(["02"])[0]
    check_types(nb, notebook_parameters(nb), {"doc_ids": ["a", "b"], "top_terms": 20, "prior_strength": 2})


def test_no_machine_path_in_what_a_run_writes_for_a_corpus_outside_the_project(tmp_path, monkeypatch):
    from test_workbook import _good

    import nbformat

    from transcripts.workbook import run_workbook
    assert not str(tmp_path).startswith(str(PROJECT_ROOT))
    corpus = _corpus(tmp_path / "corpus", 1, **{"bad.txt": ""})
    folder = tmp_path / "nbs"
    folder.mkdir()
    nb = _good("01_first")
    nb.cells.append(nbformat.v4.new_code_cell("print(processed_dir, out_dir)"))
    nbformat.write(nb, folder / "01_first.ipynb")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["transcripts", "run", "--corpus", str(corpus), f"--out={out}"])  # as typed
    assert run_workbook(corpus=corpus, out=out, notebooks_dir=folder, progress=False) == 1  # bad.txt is empty
    written = {p: p.read_text(encoding="utf-8") for p in [out / "run.json", out / "html" / "index.html",
                                                          out / "html" / "01_first.html",
                                                          out / "notebooks" / "01_first.ipynb"]}
    machine = re.compile(r"(?<![.\w])" + re.escape(str(tmp_path)))
    for path, text in written.items():
        assert not machine.search(text), f"{path.name} holds a machine path"
    run = json.loads(written[out / "run.json"])
    assert run["corpus"].startswith("../") and run["out_dir"].startswith("../")
    assert run["command"].startswith("python -m transcripts run --corpus ../") and " --out=../" in run["command"]
    docs = pd.read_parquet(out / "processed" / "documents.parquet")
    assert docs.source_path.str.startswith("../").all()
