"""How the words typed in the residents search match a resident's search text, in three tiers
listed in this order:

0. prefix: every word begins a word of the text ("trao" finds Traoré, "00042" GAO-2026-00042);
1. substring: every word occurs inside the text ("oul" finds Coulibaly, "7612" a phone number);
2. misspelt: a word of four letters or more may instead be close to the text: at least 60% of
   its trigrams (the word between two spaces, three characters at a time) occur in it
   ("mamadu" finds Mamadou). PostgreSQL's pg_trgm says the same with ``word <% search_text``
   (its ``word_similarity_threshold``, 0.6 by default). Only a word that fewer than
   ``MISSPELT_WHEN_FEWER`` residents have as typed is looked for so: "mamadou", written as a
   hundred residents write it, does not bring every Mamady and Mahamadou after them.

The text is ``Resident.search_text`` (folded: lower case, no accents). SQLite answers from the
FTS5 trigram index (``db.search_index``): one MATCH expression per tier, plus a check of the
trigram share on the few candidates of a misspelt word (those containing one of its rarest
trigrams: enough of them, so no candidate is missed). PostgreSQL answers with LIKE and
``<%`` on the GIN trigram index.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import Select, and_, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from transit_centre.db.models import Resident
from transit_centre.db.search_index import pg_trgm_installed, search_body, search_fts, search_row, search_vocab

PREFIX, SUBSTRING, MISSPELT = 0, 1, 2
MISSPELT_MIN_LENGTH = 4
MISSPELT_SHARE = 0.6
MISSPELT_WHEN_FEWER = 100
# What may follow a one- or two-character word in the text (FTS5 trigrams need three characters).
NEXT_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 -'./+"
_PHONEISH = re.compile(r"^[\d+().-]+$")
_NOT_DIGIT = re.compile(r"\D")
_doc_counts: dict[tuple[str, str], int] = {}  # (database, trigram) -> residents containing it


@dataclass(frozen=True)
class Word:
    """A typed word and the forms it is looked for in (a phone-like word also as its digits)."""

    text: str
    forms: tuple[str, ...]

    @classmethod
    def of(cls, word: str) -> "Word":
        forms = [word]
        digits = _NOT_DIGIT.sub("", word)
        if _PHONEISH.match(word) and digits != word and len(digits) >= 3:
            forms.append(digits)  # "+223" or "76-12" typed for a phone stored as digits only
        return cls(word, tuple(forms))

    @property
    def may_be_misspelt(self) -> bool:
        return len(self.text) >= MISSPELT_MIN_LENGTH and not any(ch.isdigit() for ch in self.text)


def trigrams(text: str) -> list[str]:
    """The distinct three-character pieces of ``text``, in order."""
    return list(dict.fromkeys(text[i:i + 3] for i in range(len(text) - 2)))


def misspelt_trigrams(word: str) -> tuple[list[str], int]:
    """The trigrams of a word between spaces, and how many of them a close text contains."""
    grams = trigrams(f" {word} ")
    return grams, math.ceil(MISSPELT_SHARE * len(grams))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqliteMatch:
    """One FTS5 MATCH expression per tier: ``rows`` selects from the index rows (the fast
    path of ``registry.search``), ``condition`` is the same as a condition on ``Resident``."""

    def __init__(self, session: Session, words: list[str]) -> None:
        self.words = [Word.of(w) for w in words]
        self._expressions = [" AND ".join(self._prefix(w) for w in self.words),
                             " AND ".join(self._substring(w) for w in self.words)]
        self._checks: list[Any] = []
        self._rare = {w.text for w in self.words if w.may_be_misspelt and self._rare_as_typed(session, w.text)}
        if self._rare:
            self._expressions.append(" AND ".join(self._misspelt(session, w) for w in self.words))
        self.tiers = tuple(range(len(self._expressions)))

    def _rare_as_typed(self, session: Session, word: str) -> bool:
        """Fewer than MISSPELT_WHEN_FEWER residents have ``word`` in their text (a trigram of it
        nobody has settles it without a query)."""
        if any(_doc_count(session, g) == 0 for g in trigrams(word)):
            return True
        having = select(search_fts.c.rowid).where(search_fts.c.body.op("MATCH")(self._phrase(word)))
        found = session.scalar(select(func.count()).select_from(having.limit(MISSPELT_WHEN_FEWER).subquery()))
        return int(found or 0) < MISSPELT_WHEN_FEWER

    # -- FTS5 query text ---------------------------------------------------------------
    @staticmethod
    def _phrase(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    def _any(self, texts: list[str]) -> str:
        return "(" + " OR ".join(self._phrase(t) for t in texts) + ")"

    def _prefix(self, word: Word) -> str:
        texts: list[str] = []
        for form in word.forms:
            if len(form) >= 2:
                texts += [" " + form, "-" + form]
            else:
                texts += [start + form + after for start in " -" for after in NEXT_CHARS]
        return self._any(texts)

    def _substring(self, word: Word) -> str:
        texts: list[str] = []
        for form in word.forms:
            if len(form) >= 3:
                texts.append(form)  # also where it begins a word
            elif len(form) == 2:
                texts += [" " + form, "-" + form] + [form + after for after in NEXT_CHARS]
            else:
                texts += [start + form + after for start in " -" for after in NEXT_CHARS]
        return self._any(texts)

    def _misspelt(self, session: Session, word: Word) -> str:
        if word.text not in self._rare:
            return self._substring(word)
        grams, needed = misspelt_trigrams(word.text)
        # A text with `needed` of the n trigrams has at least one of any n - needed + 1 of them:
        # look up the rarest ones, then check the share on those candidates only.
        rarest = sorted(grams, key=lambda g: _doc_count(session, g))[:len(grams) - needed + 1]
        body = search_body.c.body
        share = reduce(operator.add, [func.min(func.instr(body, g), 1) for g in grams])
        self._checks.append(or_(*(func.instr(body, form) > 0 for form in word.forms), share >= needed))
        return "(" + self._substring(word) + " OR " + self._any(rarest) + ")"

    def _fts(self, tier: int) -> str:
        return self._expressions[tier]

    # -- conditions --------------------------------------------------------------------
    def _match(self, tier: int | None) -> tuple[Any, list[Any]]:
        """The MATCH condition and the checks on ``search_row`` for ``tier`` (None: any tier)."""
        top = self.tiers[-1] if tier is None else tier
        expression = self._fts(top)
        if tier is not None and tier > PREFIX:
            expression = f"({expression}) NOT ({self._fts(tier - 1)})"
        return search_fts.c.body.op("MATCH")(expression), self._checks if top == MISSPELT else []

    def rows(self, tier: int | None, columns: list[Any]) -> Select[Any]:
        """``SELECT columns`` of the search rows found in ``tier`` (None: in any tier)."""
        match, checks = self._match(tier)
        found = search_fts.join(search_row, search_row.c.id == search_fts.c.rowid)
        if checks:  # the trigram share of a misspelt word is counted on the text indexed
            found = found.join(search_body, search_body.c.id == search_fts.c.rowid)
        return select(*columns).select_from(found).where(match, *checks)

    def condition(self, tier: int | None = None) -> Any:
        """Residents found in ``tier`` (None: in any tier), as a condition on ``Resident``."""
        return Resident.id.in_(self.rows(tier, [search_row.c.resident_id]))


class PostgresMatch:
    """Conditions on ``Resident.search_text`` (LIKE and pg_trgm's ``<%``)."""

    def __init__(self, session: Session, words: list[str]) -> None:
        self.words = [Word.of(w) for w in words]
        trigram = pg_trgm_installed(session.connection())
        self._rare = {w.text for w in self.words
                      if trigram and w.may_be_misspelt and self._rare_as_typed(session, w)}
        self.tiers = (PREFIX, SUBSTRING, MISSPELT) if self._rare else (PREFIX, SUBSTRING)

    @staticmethod
    def _rare_as_typed(session: Session, word: Word) -> bool:
        pattern = "%" + _escape(word.text) + "%"
        having = select(Resident.id).where(Resident.search_text.like(pattern, escape="\\"))
        found = session.scalar(select(func.count()).select_from(having.limit(MISSPELT_WHEN_FEWER).subquery()))
        return int(found or 0) < MISSPELT_WHEN_FEWER

    @staticmethod
    def _prefix(form: str) -> Any:
        text, escaped = Resident.search_text, _escape(form)
        return or_(text.like(escaped + "%", escape="\\"), text.like("% " + escaped + "%", escape="\\"),
                   text.like("%-" + escaped + "%", escape="\\"))

    def _level(self, word: Word, tier: int) -> Any:
        found = [self._prefix(form) for form in word.forms]
        if tier >= SUBSTRING:
            found += [Resident.search_text.like("%" + _escape(form) + "%", escape="\\")
                      for form in word.forms if len(form) >= 2]
        if tier >= MISSPELT and word.text in self._rare:
            found.append(literal(word.text).op("<%")(Resident.search_text))
        return or_(*found)

    def _upto(self, tier: int) -> Any:
        return and_(*(self._level(word, tier) for word in self.words))

    def condition(self, tier: int | None = None) -> Any:
        if tier is None:
            return self._upto(self.tiers[-1])
        if tier == PREFIX:
            return self._upto(PREFIX)
        return and_(self._upto(tier), not_(self._upto(tier - 1)))


def _doc_count(session: Session, gram: str) -> int:
    """How many residents contain ``gram`` (cached: only the choice of candidates depends on it)."""
    key = (str(session.get_bind().url), gram)
    if key not in _doc_counts:
        if len(_doc_counts) > 50_000:
            _doc_counts.clear()
        _doc_counts[key] = int(session.scalar(select(search_vocab.c.doc).where(search_vocab.c.term == gram)) or 0)
    return _doc_counts[key]


def match_for(session: Session, words: list[str]) -> SqliteMatch | PostgresMatch:
    if session.get_bind().dialect.name == "sqlite":
        return SqliteMatch(session, words)
    return PostgresMatch(session, words)


def fast_page(match: SqliteMatch, tier: int, centres: list[Any] | None, descending: bool) -> Select[Any]:
    """Ids of one tier sorted by case number from the search rows alone (no resident visited)."""
    query = match.rows(tier, [search_row.c.resident_id])
    if centres is not None:
        query = query.where(search_row.c.centre_id.in_(centres))
    order = search_row.c.case_number.desc() if descending else search_row.c.case_number.asc()
    return query.order_by(order)


def fast_count(match: SqliteMatch, centres: list[Any] | None) -> Select[Any]:
    query = match.rows(None, [func.count()])
    if centres is not None:
        query = query.where(search_row.c.centre_id.in_(centres))
    return query
