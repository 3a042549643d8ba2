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


def test_every_published_example_has_a_folder():
    """Each example of the shared worked-examples file is reproduced here (when the file is at hand)."""
    import json
    from pathlib import Path

    source = Path(__file__).resolve().parents[3] / "shared" / "examples" / "worked-examples.json"
    if not source.exists():
        pytest.skip("the shared worked-examples file is not beside this checkout")
    ids = {e["id"].split("-")[0] for e in json.loads(source.read_text())}
    have = {f.name[:4] for f in folders()}
    assert sorted(ids - have) == []
