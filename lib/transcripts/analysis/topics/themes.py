"""Theme discovery: TF-IDF + NMF themes (fixed random state) with top terms, example sentences and
their overlap with the lexicon, so an analyst can see what the lexicon lacks.

Themes are about what is said, not who says it or how a briefing runs: besides the stop words, the
words of the corpus's own speakers' names (`name_words`), honorifics and offices, and the routine of
a press room (`press_room_words`, `resources/press_room_words.txt`) are left out.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ...paths import RESOURCES_DIR
from .lexicon import Lexicon, default_lexicon

STOPWORDS_FILE = RESOURCES_DIR / "topic_stopwords.txt"
PRESS_ROOM_FILE = RESOURCES_DIR / "press_room_words.txt"
EXAMPLE_WORDS = 12  # examples of a theme have at least this many words where the theme has such sentences
_WORD = re.compile(r"(?u)\b[^\W\d_]{2,}\b")  # the words themes are made of: letters only, two or more


def _word_list(path) -> set[str]:
    return {ln.strip().lower() for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")}


def stop_words() -> list[str]:
    """scikit-learn's English stop words plus the shipped transcript fillers (`resources/topic_stopwords.txt`)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(set(ENGLISH_STOP_WORDS) | _word_list(STOPWORDS_FILE))


def press_room_words() -> list[str]:
    """Honorifics, offices and press-room routine (`resources/press_room_words.txt`).

    >>> {"president", "mr", "follow", "quick", "inaudible"} <= set(press_room_words())
    True
    """
    return sorted(_word_list(PRESS_ROOM_FILE))


def name_words(speakers: Iterable[str], texts: Iterable[str] = ()) -> list[str]:
    """The words of the speakers' names, lower-cased, to leave out of themes ("Karine Jean-Pierre" gives
    karine, jean, pierre). Names that stand for a group or a function ("Press", "Senior Administration
    Official") give none. A word that `texts` use in lower case at least half the time is a word of the language that
    happens to be a name, and is kept: "price" (Ned Price) and "young" (Shalanda Young) in a corpus
    about inflation and young people.

    >>> name_words(["Karine Jean-Pierre", "Ned Price", "Press", "Senior Administration Official"],
    ...            ["Karine said prices rose.", "The price of gas.", "Ask Price.", "Thanks, Karine."])
    ['jean', 'karine', 'ned', 'pierre']
    """
    from ..speakers.mentions import is_generic

    words = {w.lower() for name in speakers if isinstance(name, str) and not is_generic(name)
             for w in _WORD.findall(name)}
    if not words:
        return []
    lower, total = Counter(), Counter()
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True))
                         + r")(?![^\W\d_])", re.IGNORECASE)
    for text in texts:
        for m in pattern.finditer(str(text)):
            word = m.group(1)
            total[word.lower()] += 1
            lower[word.lower()] += word.islower()
    return sorted(w for w in words if not (total[w] and lower[w] / total[w] >= 0.5))


def discover_themes(sentences: pd.DataFrame, sentence_topics: pd.DataFrame, *, n_themes: int = 8,
                    n_terms: int = 10, n_examples: int = 3, max_sentences: int = 20_000, min_words: int = 6,
                    min_df: int = 2, max_df: float = 0.5, random_state: int = 0, lexicon: Lexicon | None = None,
                    speakers: Iterable[str] = (), exclude: Iterable[str] = (),
                    cache_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes found by TF-IDF + NMF over sentences, to show what the lexicon lacks.

    Sentences of at least `min_words` words are used (a fixed-seed sample of `max_sentences` when
    there are more). Words are letters only; stop words are scikit-learn's English list plus the
    shipped `resources/topic_stopwords.txt`; words in fewer than `min_df` sentences or in more than
    a `max_df` share of them are left out, and so are honorifics and press-room routine
    (`press_room_words`), the words of the names of `speakers` (`name_words`: pass the corpus's
    speakers) and any word of `exclude`. NMF starts from NNDSVD, so results are deterministic.
    Each theme gets its top terms, example sentences (the highest-weighted of its top sentences,
    those of at least `EXAMPLE_WORDS` words first), and its overlap with
    the lexicon: the share of its top sentences that carry each lexicon topic.

    Returns:
        (themes, examples), with the speakers' name words left out in `themes.attrs["name_words"]`:
        themes has theme, top_terms, n_sentences (sentences whose strongest
        theme it is; sentences with none of the kept words belong to no theme), best_topic, best_overlap, lexicon_overlap ("topic share; ..."), is_new (the
        lexicon covers under a quarter of its top sentences); examples has theme, rank, doc_id,
        turn_index, sentence_index, weight, topics, text. With `cache_dir` (the build's `.cache` folder)
        they are kept until the sentences, their topics, an argument, the word lists or this code change.
    """
    pool = (sentences[sentences.n_words >= min_words].sort_values(["doc_id", "turn_index", "sentence_index"])
            .reset_index(drop=True))  # the index is now event order, so the sample below keeps it
    if len(pool) > max_sentences:
        pool = pool.sample(n=max_sentences, random_state=random_state).sort_index().reset_index(drop=True)
    return themes_of_pool(pool, pool_topics(pool, sentence_topics), n_themes=n_themes, n_terms=n_terms,
                          n_examples=n_examples, min_df=min_df, max_df=max_df, random_state=random_state,
                          lexicon=lexicon, speakers=speakers, exclude=exclude, cache_dir=cache_dir)


def pool_topics(pool: pd.DataFrame, sentence_topics: pd.DataFrame) -> list[str]:
    """Each pool sentence's topics, "; "-joined in order ("" for none)."""
    keys = ["doc_id", "turn_index", "sentence_index"]
    mine = sentence_topics.merge(pool[keys].drop_duplicates(), on=keys) if len(sentence_topics) else sentence_topics
    tags = mine.groupby(keys).topic.agg(lambda s: "; ".join(sorted(s))) if len(mine) else {}
    return [tags.get((d, t, s), "") for d, t, s in zip(pool.doc_id, pool.turn_index, pool.sentence_index)]


def pool_positions(n_pool: int, max_sentences: int, random_state: int) -> np.ndarray:
    """The positions (in event order) of the pool's sentences `discover_themes` keeps: all of them, or the
    fixed-seed sample it draws (the same draw as `DataFrame.sample`), in order."""
    if n_pool <= max_sentences:
        return np.arange(n_pool)
    # what `DataFrame.sample(n, random_state=seed)` draws (`RandomState(seed).choice(n_pool, n, replace=False)`),
    # without a frame of the whole pool
    return np.sort(np.random.RandomState(random_state).choice(n_pool, size=max_sentences, replace=False))


def themes_of_pool(pool: pd.DataFrame, topics_of_pool: list[str], *, n_themes: int = 8, n_terms: int = 10,
                   n_examples: int = 3, min_df: int = 2, max_df: float = 0.5, random_state: int = 0,
                   lexicon: Lexicon | None = None, speakers: Iterable[str] = (), exclude: Iterable[str] = (),
                   cache_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`discover_themes` of a pool of sentences already drawn (doc_id, turn_index, sentence_index, n_words, text,
    in event order) and their topics (`pool_topics`). With `cache_dir`, kept until the pool, its topics, an
    argument, the word lists or this code change."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    lexicon = lexicon or default_lexicon()
    if cache_dir is not None:
        import sklearn

        from ... import percache

        args = dict(n_themes=n_themes, n_terms=n_terms, n_examples=n_examples, min_df=min_df, max_df=max_df,
                    random_state=random_state, lexicon=lexicon, speakers=sorted({s for s in speakers if isinstance(s, str)}),
                    exclude=list(exclude))
        pool = pool[["doc_id", "turn_index", "sentence_index", "n_words", "text"]]
        key = percache.fingerprint(
            percache.code_fingerprint(), sklearn.__version__, STOPWORDS_FILE, PRESS_ROOM_FILE, percache.frame_hash(pool),
            "\n".join(topics_of_pool), lexicon.topics.to_csv(index=False),
            repr({k: v for k, v in args.items() if k != "lexicon"}))
        return percache.memo("themes", key, lambda: themes_of_pool(pool, topics_of_pool, **args), cache_dir)
    theme_cols = ["theme", "top_terms", "n_sentences", "best_topic", "best_overlap", "lexicon_overlap", "is_new"]
    example_cols = ["theme", "rank", "doc_id", "turn_index", "sentence_index", "weight", "topics", "text"]
    if len(pool) < max(n_themes, 2) * 2:
        return pd.DataFrame(columns=theme_cols), pd.DataFrame(columns=example_cols)
    texts = pool.text.str.replace("’", "'", regex=False)
    names = name_words(speakers, texts)
    left_out = set(stop_words()) | set(press_room_words()) | set(names) | {str(w).lower() for w in exclude}
    vec = TfidfVectorizer(stop_words=sorted(left_out), min_df=min(min_df, len(pool)), max_df=max_df,
                          sublinear_tf=True, token_pattern=_WORD.pattern)  # words of letters only
    try:
        X = vec.fit_transform(texts)
    except ValueError:  # no terms left after stop words and min_df
        return pd.DataFrame(columns=theme_cols), pd.DataFrame(columns=example_cols)
    k = min(n_themes, X.shape[1], X.shape[0])
    model = NMF(n_components=k, init="nndsvd", random_state=random_state, max_iter=400)
    W = model.fit_transform(X)
    vocab = np.asarray(vec.get_feature_names_out())
    pool_topics = list(topics_of_pool)
    strongest = np.where(W.max(axis=1) > 0, W.argmax(axis=1), -1)  # no kept word: no theme
    n_top = max(n_examples, min(50, len(pool) // k))
    themes, examples = [], []
    for j in range(k):
        order = np.argsort(-model.components_[j], kind="stable")[:n_terms]
        terms = [vocab[i] for i in order if model.components_[j][i] > 0]
        top = [i for i in np.argsort(-W[:, j], kind="stable")[:n_top] if W[i, j] > 0]
        counts: dict[str, int] = {}
        for i in top:
            for t in filter(None, pool_topics[i].split("; ")):
                counts[t] = counts.get(t, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        share = {t: c / len(top) for t, c in ranked} if top else {}
        best, best_share = (ranked[0][0], share[ranked[0][0]]) if ranked else (None, 0.0)
        themes.append(dict(theme=j + 1, top_terms=", ".join(terms), n_sentences=int((strongest == j).sum()),
                           best_topic=best, best_overlap=best_share,
                           lexicon_overlap="; ".join(f"{t} {share[t]:.0%}" for t, _ in ranked[:3]),
                           is_new=best_share < 0.25))
        # examples: the highest-weighted sentences, those long enough to read as a statement first
        long_enough = [i for i in top if pool.n_words.iat[i] >= EXAMPLE_WORDS]
        chosen = (long_enough + [i for i in top if i not in set(long_enough)])[:n_examples]
        for rank, i in enumerate(chosen, start=1):
            r = pool.iloc[i]
            examples.append(dict(theme=j + 1, rank=rank, doc_id=r.doc_id, turn_index=int(r.turn_index),
                                 sentence_index=int(r.sentence_index), weight=float(W[i, j]), topics=pool_topics[i],
                                 text=r.text))
    out = pd.DataFrame(themes, columns=theme_cols)
    out.attrs["name_words"] = names
    return out, pd.DataFrame(examples, columns=example_cols)
