"""The formula guard found by Arrow in one pass (issue 16: writing the large tables of a corpus) marks the
same cells as the cell-by-cell regular expression it replaces, and falls back to it for mixed columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from transcripts.csvout import _NEEDS_GUARD, _guard_column, _starts_like_formula, guard

CELLS = ["=SUM(A1)", "+1", "-2+3", "@x", "\tx", "\rx", "'=x", "''-x", "'", "''", "'quoted", "x=1", " =1", "",
         "Лавров", "=Лавров", "—dash", "\u00a0=1", "\n=1", "a\n=1", None]


@pytest.mark.parametrize("dtype", [object, "string", "string[pyarrow]"])
def test_arrow_mask_equals_the_regular_expression(dtype):
    col = pd.Series(CELLS, dtype=dtype)
    fast = _starts_like_formula(col)
    slow = [isinstance(v, str) and bool(_NEEDS_GUARD.match(v)) for v in CELLS]
    assert fast is not None and fast.tolist() == slow
    assert sum(slow) == 9  # =SUM, +1, -2+3, @x, tab, CR, '=x, ''-x, =Лавров
    guarded = _guard_column(col)
    assert [None if pd.isna(v) else v for v in guarded] == [guard(v) if isinstance(v, str) else None for v in CELLS]


def test_mixed_columns_go_cell_by_cell():
    col = pd.Series(["=1", 2, np.nan, "ok"], dtype=object)
    assert _starts_like_formula(col) is None
    assert _guard_column(col).tolist()[0] == "'=1" and _guard_column(col).tolist()[1] == 2
    assert _starts_like_formula(pd.Series([np.nan, None], dtype=object)).tolist() == [False, False]
