"""CI mode: every usual spelling of "CI is on" makes a missing service a failure, not a skip."""

from __future__ import annotations

import pytest

from tests.conftest import ci_mode


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "1", "yes", "Yes", "YES", " true "])
def test_ci_is_recognised_however_it_is_spelled(value):
    assert ci_mode(value) is True


@pytest.mark.parametrize("value", [None, "", "0", "false", "no", "off", "local"])
def test_anything_else_is_a_local_run(value):
    assert ci_mode(value) is False
