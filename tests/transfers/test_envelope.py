"""Whatever a file holds, reading it as a transfer file gives a clear refusal, never a crash."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transit_centre.errors import DomainError
from transit_centre.i18n import set_language
from transit_centre.transfers import envelope


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_any_bytes_are_refused_with_a_message(data):
    for candidate in (data, envelope.MAGIC + data):
        try:
            envelope.read_header(candidate)
        except DomainError as exc:
            assert str(exc)
        else:  # only a well-formed header can be read (it holds no personal data anyway)
            assert candidate.startswith(envelope.MAGIC)


def test_a_cut_file_is_refused(tmp_path):
    set_language("en")
    with pytest.raises(DomainError, match="not a Transit Centre transfer file"):
        envelope.read_header(envelope.MAGIC + b"\x00\x00\x00\x10{}")
