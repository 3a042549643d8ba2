"""Every published worked example, reproduced to the cent through real plan and fact files.

One test per folder, named after the example id (EX05…). For examples the
shared file marks `verified: false`, the expectation is the corrected figure and
the folder's `expected.json` "note" says where the published one is wrong.
"""

from __future__ import annotations

import pytest

from tests.examples.harness import folders, run


@pytest.mark.parametrize("folder", folders(), ids=[f.name for f in folders()])
def test_worked_example(folder):
    run(folder)
