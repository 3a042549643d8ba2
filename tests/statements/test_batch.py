"""Batches: one file per statement, named by rep and result hash; unchanged statements are skipped;
only files listed in the manifest are ever deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from payplan.cli.main import cli
from payplan.errors import Conflict
from payplan.statements import calculation
from payplan.statements.batch import MANIFEST, file_name, id_hash, render_all, slug
from payplan.statements.calculation import RunInfo
from payplan.statements.pdf import read_attachment

from .conftest import AE_PLAN, DEMO, calculation_for


def test_renders_once_then_skips(tmp_path):
    calcs = calculation.from_files(AE_PLAN, DEMO, "2026-03")[:3]
    first = render_all(calcs, tmp_path, "en", workers=2)
    assert len(first.rendered) == 3 and not first.skipped
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(file_name(c, "en") for c in calcs)
    again = render_all(calcs, tmp_path, "en", workers=2)
    assert not again.rendered and len(again.skipped) == 3


def test_a_changed_result_replaces_the_old_file(tmp_path):
    old, new = calculation_for("Olena", "R1"), calculation_for("Olena K.", "R1")
    render_all([old], tmp_path, "en", workers=1)
    report = render_all([new], tmp_path, "en", workers=1)
    assert [p.name for p in tmp_path.glob("*.pdf")] == [file_name(new, "en")]
    assert report.removed == [str(tmp_path / file_name(old, "en"))]


def test_file_names_are_safe():
    name = file_name(calculation_for("x", "../../etc/p w"), "uk")
    assert name.startswith("etc_p_w-") and "-2026-03-uk-" in name and "/" not in name


def test_statements_command_from_files(tmp_path):
    args = ["statements", "--plan", str(AE_PLAN), "--data", str(DEMO), "--period", "2026-03", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "6 rendered" in result.output
    assert "0 rendered, 6 already up to date" in CliRunner().invoke(cli, args).output


# Ids the old names collapsed: `ZZ/1` and `ZZ_1`, `ZZ1.` and `ZZ1`, and every Cyrillic id became `rep`.
TRICKY = ["ZZ/1", "ZZ_1", "ZZ1.", "ZZ1", "ІВ01", "ПЕ01", "Олег", "Іван"]


def run_calc(rep_id: str, name: str = "") -> calculation.Calculation:
    calc = calculation_for(name or f"Rep {rep_id}", rep_id)
    return msgspec.structs.replace(calc, run=RunInfo(number=7, state="approved", approved_by="fin2",
                                                     approved_at=datetime(2026, 4, 2, 9, 30, tzinfo=UTC)))


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def test_ids_that_sanitise_alike_get_a_file_each(tmp_path):
    calcs = [run_calc(rep) for rep in TRICKY]
    report = render_all(calcs, tmp_path, "en", workers=2)
    pdfs = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert len(report.rendered) == len(pdfs) == 8 and not report.removed
    manifest = msgspec.json.decode((tmp_path / MANIFEST).read_bytes())
    assert sorted(e["rep_id"] for e in manifest["files"]) == sorted(TRICKY)
    assert sorted(e["file"] for e in manifest["files"]) == pdfs
    for e in manifest["files"]:  # each file holds the statement of the rep it is listed for
        embedded = calculation.decode(read_attachment(tmp_path / e["file"]))
        assert embedded.result.rep_id == e["rep_id"] and e["source"] == "run 7"
        assert e["result_hash"] == calculation.result_hash(next(c for c in calcs if c.result.rep_id == e["rep_id"]), "en")
    assert {name.split("-")[0] for name in pdfs} >= {"ZZ_1", "ZZ1", "ІВ01", "ПЕ01", "Олег", "Іван"}
    before = listing(tmp_path)
    again = render_all(calcs, tmp_path, "en", workers=2)
    assert (again.rendered, again.removed, len(again.skipped)) == ([], [], 8)
    assert listing(tmp_path) == before  # nothing written, nothing deleted


def test_the_batch_deletes_only_what_it_wrote(tmp_path):
    old = run_calc("ZZ/1", "Olena")
    render_all([old, run_calc("ZZ_1")], tmp_path, "en", workers=1)
    mine = file_name(old, "en")
    look_alike = mine.rsplit("-", 1)[0] + "-000000000000.pdf"  # same rep, run and language, not written by us
    strangers = {"notes.pdf": b"mine", look_alike: b"%PDF-1.7 someone else's", "ZZ_1-2026-03-en-0123456789ab.pdf": b"old"}
    for name, data in strangers.items():
        (tmp_path / name).write_bytes(data)
    new = run_calc("ZZ/1", "Olena K.")  # a recomputed result for the same run and rep
    report = render_all([new], tmp_path, "en", workers=1)
    assert report.removed == [str(tmp_path / mine)] and not (tmp_path / mine).exists()
    assert (tmp_path / file_name(new, "en")).exists()
    assert all((tmp_path / name).read_bytes() == data for name, data in strangers.items())
    files = msgspec.json.decode((tmp_path / MANIFEST).read_bytes())["files"]
    assert sorted(e["file"] for e in files) == sorted([file_name(new, "en"), file_name(run_calc("ZZ_1"), "en")])


def test_a_file_in_the_way_is_never_overwritten(tmp_path):
    calc = run_calc("ZZ1.")
    (tmp_path / file_name(calc, "en")).write_bytes(b"not ours")
    with pytest.raises(Conflict, match="not written by this batch"):
        render_all([calc], tmp_path, "en", workers=1)
    assert (tmp_path / file_name(calc, "en")).read_bytes() == b"not ours"


def test_slug_keeps_letters_and_the_hash_tells_ids_apart():
    assert [slug(r) for r in TRICKY] == ["ZZ_1", "ZZ_1", "ZZ1", "ZZ1", "ІВ01", "ПЕ01", "Олег", "Іван"]
    assert len({id_hash(r) for r in TRICKY}) == 8 and slug("/../") == "rep"


def test_a_pool_embeds_the_bytes_the_manifest_hashes(tmp_path):
    """Rendered in a pool of processes, each PDF carries exactly the calculation bytes its
    file name and manifest entry were computed from (a pickled calculation re-encodes
    differently: msgspec omits a default only when it is the very default object)."""
    calcs = calculation.from_files(AE_PLAN, DEMO, "2026-03")[:4]
    render_all(calcs, tmp_path, "en", workers=2)
    listed = msgspec.json.decode((tmp_path / MANIFEST).read_bytes())["files"]
    assert len(listed) == 4
    for item in listed:
        embedded = read_attachment(tmp_path / item["file"])
        assert calculation.attachment_hash(embedded, "en") == item["result_hash"]
    assert {read_attachment(tmp_path / file_name(c, "en")) for c in calcs} == {calculation.encode(c) for c in calcs}
