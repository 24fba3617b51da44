"""The FAQ assistant's ranking: which answer fits a free-text Vietnamese question, and how sure it is.

The FAQ is small (tens to hundreds of entries), so each question is scored against all of them in the process:
- text is folded as `search_fold` does in SQL (no diacritics, lower case, `đ` → `d`), so "mat khau", "MẬT KHẨU" and
  "mật khẩu" are one word;
- Vietnamese writes a word as several syllables ("mật khẩu", "bảo hiểm"): the terms are single syllables and pairs
  of neighbouring syllables, so a two-syllable word counts as such without a dictionary;
- colloquial forms and abbreviations ("pass", "mk", "ko", "bhxh", "sdt") are rewritten to one form, in the FAQ and
  in the question alike (`db/data/faq_synonyms.csv`), and a longer syllable not in the FAQ's vocabulary is replaced
  by its closest one (typos);
- each FAQ is scored with BM25 over its question and its editors' keywords (weighted 3) and its answer (weight 1).

The confidence is the share of the question's weight (its terms' rarity in the FAQ) that the best entry matches: a
question about something no entry covers leaves most of its rare words unmatched and is declined, rather than
answered with whatever shares a common word.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from db.reference import read_data_csv

# Below this, the assistant says it has no answer (tuned on tests/data/assistant_questions.csv).
ANSWER_CONFIDENCE = 0.42
QUESTION_WEIGHT = 3
PAIR_WEIGHT = 1.5
K1, B = 1.2, 0.6
# Words of a question that carry nothing about its subject (folded).
STOPWORDS = frozenset({
    "a", "ai", "anh", "ban", "bao", "bi", "biet", "cac", "cach", "can", "chi", "cho", "chu", "co", "con", "cua",
    "da", "dang", "day", "dc", "de", "den", "di", "duoc", "em", "gi", "gio", "ha", "hay", "hoi", "hong", "j", "k",
    "khi", "khong", "kieu", "ko", "la", "lam", "lay", "ma", "may", "minh", "moi", "muon", "nao", "nay", "neu", "nhe",
    "nhi", "nho", "nhu", "nhung", "o", "oi", "roi", "sao", "se", "tai", "the", "thi", "thoi", "toi", "tu", "va",
    "van", "vay", "ve", "vi", "voi", "vs",
})


def fold(text: str) -> str:
    """As SQL's search_fold: no diacritics, lower case, đ as d; anything but letters and digits is a space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in plain)


@functools.cache
def _synonyms() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    pairs = [(tuple(fold(r["typed"]).split()), tuple(fold(r["meaning"]).split())) for r in read_data_csv(
        "faq_synonyms.csv")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))  # longest first


def rewrite(words: Sequence[str]) -> list[str]:
    """The words with each colloquial form or abbreviation replaced by what it means."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for typed, meaning in _synonyms():
            if tuple(words[i:i + len(typed)]) == typed:
                out.extend(meaning)
                i += len(typed)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def terms(words: Sequence[str]) -> list[str]:
    """Syllables that are not stopwords, and pairs of neighbouring syllables ("mat khau" → "mat_khau")."""
    kept = [w for w in words if w not in STOPWORDS]
    return kept + [f"{a}_{b}" for a, b in itertools.pairwise(words)
                   if not (a in STOPWORDS and b in STOPWORDS)]


@dataclass(frozen=True, slots=True)
class Match:
    id: int
    score: float
    confidence: float


class FaqIndex:
    """BM25 over the FAQ, built once per distinct FAQ content."""

    def __init__(self, entries: Iterable[tuple[int, str, str, str]]) -> None:
        self._docs: list[tuple[int, Counter[str], float]] = []
        frequency: Counter[str] = Counter()
        for pk, question, keywords, answer in entries:
            counts: Counter[str] = Counter()
            for text, weight in ((question, QUESTION_WEIGHT), (keywords, QUESTION_WEIGHT), (answer, 1)):
                for term in terms(rewrite(fold(text).split())):
                    counts[term] += weight
            self._docs.append((pk, counts, sum(counts.values())))
            frequency.update(counts.keys())
        n = max(1, len(self._docs))
        self._average = sum(length for *_, length in self._docs) / n
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self._unseen = math.log(1 + (n + 0.5) / 0.5)  # a term no entry has: rarer than any
        self._syllables = sorted({t for t in frequency if "_" not in t})

    def _corrected(self, word: str) -> str:
        # Only longer words: most syllables are one letter away from another real syllable ("vang", "vong").
        if word in STOPWORDS or len(word) < 5 or word in self._idf or word.isdigit():
            return word
        close = difflib.get_close_matches(word, self._syllables, n=1, cutoff=0.8)
        return close[0] if close else word

    def rank(self, question: str) -> list[Match]:
        """Every entry that shares a term with the question, best first (ties by id)."""
        words = rewrite([self._corrected(w) for w in rewrite(fold(question).split())])
        wanted = Counter(terms(words))
        weight = {t: self._idf.get(t, self._unseen) * (PAIR_WEIGHT if "_" in t else 1) for t in wanted}
        # The confidence is the mean of two shares: of the question's syllables' weight, and of its pairs' weight.
        # Syllables alone mislead (folded, "gia" is giá, gia and giã); a question the FAQ covers also shares pairs.
        total = sum(w for t, w in weight.items() if "_" not in t) or 1.0
        pair_total = sum(w for t, w in weight.items() if "_" in t) or 1.0
        matches = []
        for pk, counts, length in self._docs:
            shared = [t for t in wanted if t in counts]
            if not shared:
                continue
            norm = K1 * (1 - B + B * length / self._average)
            score = sum(weight[t] * counts[t] * (K1 + 1) / (counts[t] + norm) for t in shared)
            matched = sum(weight[t] for t in shared if "_" not in t)
            pairs = sum(weight[t] for t in shared if "_" in t)
            matches.append(Match(pk, score, (matched / total + pairs / pair_total) / 2))
        matches.sort(key=lambda m: (-m.score, m.id))
        return matches


@functools.lru_cache(maxsize=4)
def index_of(entries: tuple[tuple[int, str, str, str], ...]) -> FaqIndex:
    """The index of this FAQ content (rebuilt only when an entry changes)."""
    return FaqIndex(entries)
