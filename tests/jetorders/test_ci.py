from __future__ import annotations

import pytest

from jetorders.ci import in_ci


@pytest.mark.parametrize("value", ["true", "TRUE", "True", "1", "yes", "YES", " on "])
def test_ci_is_recognised_in_its_usual_spellings(value):
    assert in_ci({"CI": value})


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off"])
def test_ci_is_off_otherwise(value):
    assert not in_ci({"CI": value})
    assert not in_ci({})
