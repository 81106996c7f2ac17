"""Draw the second batch of the role census (issue 12 follow-up) and split it once.

Run once: `.venv/bin/python benchmarks/roles_draw.py` (needs ../shared/corpora). Prints the new pages, their
kind, part (`tuning` or `heldout`) and batch (2) as CSV rows for tests/fixtures/roles_dev/pages.csv.

- Kremlin: the pages not yet in the census that are press conferences, forums or meetings with a
  moderator, participants or people speaking from the floor (chosen by reading the titles and the
  label lists; pages of two people only were left out), listed below with the kind a reader gives them.
- White House: one briefing drawn at random from each of seven pools (two from the first), chosen by file
  name and label counts only: press briefings with a MODERATOR, a press secretary with a guest,
  gaggles with and without a MODERATOR, background calls with a MODERATOR, other press calls with a
  MODERATOR, remarks with questions.
- The split: per corpus, pages ordered by kind (random order within a kind), then every third page from a
  random offset is held out (`heldout`), the rest is tuning. Seed 1212, drawn before any page
  was labelled or any figure computed.
"""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

SEED = 1212
KREMLIN = {  # file: kind, as a reader judges the event
    "news_17645.print.html": "press conference",  # answers journalists' questions in Vologda
    "news_51718.print.html": "press conference",  # answers journalists after the Direct Line
    "news_57083.print.html": "press conference",  # questions at the polling station
    "news_17767.print.html": "forum",  # Conference of the Russian Popular Front
    "news_55842.print.html": "forum",  # World Festival of Youth and Students: a moderated session
    "news_56638.print.html": "meeting",  # winners of a composition contest, led by a moderator
    "news_56712.print.html": "meeting",  # video conference with universities, led by a student
    "news_56318.print.html": "meeting",  # award ceremony with presenters
    "news_62970.print.html": "meeting",  # meeting with investors
    "news_57050.print.html": "meeting",  # Daghestani public, many Remark: labels
    "news_56766.print.html": "meeting",  # visit to a plant, Remark: and Question: of workers
    "news_56635.print.html": "meeting",  # visit to a plant, named workers
    "news_56511.print.html": "meeting",  # State Council chaired by the President
}
#: White House pools: (name, kind, file-name test, label-count test, draws)
POOLS = (
    ("briefing with moderator", "press briefing",
     lambda f: "press-briefing" in f and "background" not in f, lambda m, n: m >= 2 and n <= 120, 2),
    ("press secretary and guest", "press briefing",
     lambda f: "press-briefing-by-press-secretary" in f and "-and-" in f, lambda m, n: m == 0 and 30 <= n <= 160, 1),
    ("gaggle with moderator", "gaggle", lambda f: "gaggle" in f, lambda m, n: m >= 2 and n <= 80, 1),
    ("gaggle", "gaggle", lambda f: "gaggle" in f, lambda m, n: m == 0 and 10 <= n <= 80, 1),
    ("background call", "background call", lambda f: "background" in f, lambda m, n: m >= 2 and n <= 80, 1),
    ("press call", "press call", lambda f: "press-call" in f and "background" not in f,
     lambda m, n: m >= 1 and n <= 80, 1),
    ("remarks", "remarks", lambda f: "remarks" in f, lambda m, n: n <= 80 and n >= 5, 1),
)
_LABEL = re.compile(r"(?m)^([A-Z][A-Z .'-]+[A-Z.]):[\s\u00a0]")
_Q = re.compile(r"(?m)^Q[\u00a0 ]")


def main() -> int:
    from transcripts.paths import SHARED_DIR

    dev = ROOT / "tests" / "fixtures" / "roles_dev" / "pages.csv"
    used = {r["file"] for r in csv.DictReader(dev.open(encoding="utf-8"))}
    rng = random.Random(SEED)
    wh_root = SHARED_DIR / "corpora" / "whitehouse_briefings" / "press-briefings"
    counts = {}
    for path in sorted(wh_root.glob("*/*.md")):
        rel = path.relative_to(wh_root).as_posix()
        if rel in used:
            continue
        text = path.read_text(encoding="utf-8")
        labels = _LABEL.findall(text)
        counts[rel] = (sum("MODERATOR" in x for x in labels), len(labels) + len(_Q.findall(text)))
    chosen: dict[str, str] = {}
    for name, kind, by_name, by_counts, draws in POOLS:
        pool = [f for f, (m, n) in counts.items() if by_name(f.split("/")[1]) and by_counts(m, n) and f not in chosen]
        for f in rng.sample(pool, draws):
            chosen[f] = kind
    rows = []
    for corpus, pages in (("kremlin", KREMLIN), ("whitehouse", chosen)):
        order = sorted(pages, key=lambda f: (pages[f], rng.random()))
        offset = rng.randrange(3)
        for i, f in enumerate(order):
            rows.append((corpus, f, pages[f], "heldout" if (i - offset) % 3 == 0 else "tuning", "2"))
    for row in rows:
        print(",".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
