"""Free text to directory words: the `facility_words` dictionary resolves each query word before the search.

A query word becomes the words of the directory it may stand for: itself when the directory holds it; the words
it begins when it is the last word typed or an unknown one ("uon" -> "uong"); and, when it is unknown and begins
no word, the words one edit or one transposition away ("khao" -> "khoa", "vein" -> "vien"). The most frequent
few are kept.
The dictionary holds about a thousand words whatever the size of the directory, so reading it is cheap.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

# The first this many distinct words of a query count (a 200-character query may hold 40).
MAX_QUERY_WORDS = 6
# Spellings kept for one query word, most frequent first (the exact word always first).
MAX_SPELLINGS = 8
# Unknown words shorter than this are only completed, never corrected (too many words are one edit away).
MIN_CORRECTED_LENGTH = 3

RESOLVE = """
with typed as (
    select word, min(position) as position
    from unnest(search_words($1)) with ordinality as t(word, position)
    group by word order by min(position) limit $2
), known as materialized (
    select t.word, t.position, t.position = cardinality(search_words($1)) as last,
           exists (select from facility_words d where d.word = t.word and d.documents > 0) as known,
           exists (
               select from facility_words d where starts_with(d.word, t.word) and d.word <> t.word and d.documents > 0
           ) as completed,
           sorted_letters(t.word) as letters
    from typed t
)
select k.word, s.spellings, s.documents,
       (select reltuples from pg_class where oid = 'facilities'::regclass) as directory_size
from known k, lateral (
    select coalesce(array_agg(word order by rank), '{}') as spellings, coalesce(sum(documents), 0)::int as documents
    from (
        select d.word, d.documents, row_number() over (
            order by d.word = k.word desc, starts_with(d.word, k.word) desc, d.documents desc, d.word
        ) as rank
        from facility_words d
        where d.documents > 0 and (
            d.word = k.word
            or ((k.last or not k.known) and starts_with(d.word, k.word))
            or (not k.known and not k.completed and length(k.word) >= $3 and (
                levenshtein_less_equal(d.word, k.word, 1) <= 1
                or (d.letters = k.letters and length(d.word) = length(k.word))
            ))
        )
        order by rank limit $4
    ) chosen
) s
order by k.position
"""


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class TextQuery:
    """The query's words as tsquery texts (one per word with a spelling); `typed` counts every word typed."""

    words: Sequence[str]
    typed: int
    # For each word, how many facilities hold one of its spellings at most (from the dictionary).
    documents: Sequence[int] = ()
    # Facilities in the directory, as the planner's statistics last counted them.
    directory_size: float = 0

    @property
    def minimum(self) -> int:
        """A facility matches when it holds at least half of the words typed."""
        return max(1, (self.typed + 1) // 2)

    @property
    def top(self) -> int:
        return len(self.words)

    @property
    def can_match(self) -> bool:
        return self.typed > 0 and self.top >= self.minimum

    def bound(self, count: int) -> int:
        """At most how many facilities hold `count` of the words (each such set is bounded by its rarest word)."""
        return sum(min(chosen) for chosen in itertools.combinations(self.documents, count))

    def common(self, count: int, share: float) -> bool:
        """Whether facilities holding `count` of the words may make up `share` of the directory: some choice of
        `count` words is held that often (its rarest word is; words that go together, like "benh vien", are)."""
        if self.directory_size <= 0:  # never analysed: assume so
            return True
        likeliest = max((min(chosen) for chosen in itertools.combinations(self.documents, count)), default=0)
        return likeliest >= share * self.directory_size

    def at_least(self, count: int) -> list[str]:
        """Tsqueries, one per choice of `count` words: a document holding at least `count` words matches one.

        Kept apart (not joined by `|`) so that each becomes its own GIN scan, where an AND skips through the
        long lists of common words guided by the rarest one; the scans' bitmaps are then ORed.
        """
        groups = [f"({word})" for word in self.words]
        return [" & ".join(chosen) for chosen in itertools.combinations(groups, count)]


async def resolve_text(conn: asyncpg.Connection, text: str) -> TextQuery:
    rows = await conn.fetch(RESOLVE, text, MAX_QUERY_WORDS, MIN_CORRECTED_LENGTH, MAX_SPELLINGS)
    spelled = [row for row in rows if row["spellings"]]
    return TextQuery(  # immutable: a reading is shared by the worker's requests (resolvers/directory.py)
        words=tuple(" | ".join(_lexeme(s) for s in row["spellings"]) for row in spelled),
        typed=len(rows),
        documents=tuple(row["documents"] for row in spelled),
        directory_size=rows[0]["directory_size"] if rows else 0,
    )
