"""Reading a library search: words, phrases, exclusions, tags and a member, and no query that fails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.library.search import MAX_TERMS, SearchQuery
from bot.refs import MemberRef, Platform, WorkspaceRef
from commands.library.query import read_query

ACME = WorkspaceRef(Platform.SLACK, "T0001")


def test_words_phrases_exclusions_tags_and_a_member() -> None:
    query = read_query('data  contracts "in practice" -draft -"old news" #dbt #DBT by:<@U0BEN>', ACME)
    assert query == SearchQuery(terms=("data", "contracts", "in practice"), excluded=("draft", "old news"),
                                tags=("dbt",), saver=MemberRef(ACME, "U0BEN"))


def test_what_is_not_a_tag_or_a_member_is_a_word() -> None:
    query = read_query("#!? by:@ana by: -  #", ACME)
    assert query.tags == () and query.saver is None
    assert query.terms == ("#!?", "by:@ana", "by:", "-", "#")


def test_an_unclosed_quote_closes_at_the_end() -> None:
    assert read_query('"data contracts', ACME).terms == ("data", "contracts")
    assert read_query('data -"draft', ACME) == SearchQuery(terms=("data",), excluded=("draft",))


def test_a_long_query_is_cut_not_refused() -> None:
    query = read_query(" ".join(f"word{n}" for n in range(100)), ACME)
    assert len(query.terms) == MAX_TERMS


@given(st.text(max_size=300))
def test_any_text_is_a_query(text: str) -> None:
    query = read_query(text, ACME)
    assert len(query.terms) <= MAX_TERMS and len(query.excluded) <= MAX_TERMS
    assert all(term and term == " ".join(term.split()) for term in query.terms + query.excluded)
