"""Signed statements: forged ones fail `payplan verify`, untouched ones pass, `--database` compares with the run.

A forger has payplan (its engine, templates and renderer) but not the installation's
signing key: they can re-make a statement on invented inputs and sign it with a key
of their own, leave it unsigned, edit a printed figure, or flip bytes.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update

from payplan.cli.main import cli
from payplan.core.inputs import Rep
from payplan.settings import get_settings
from payplan.statements import ATTACHMENT_NAME, calculation
from payplan.statements.from_run import run_calculations
from payplan.statements.pdf import PdfRenderer, calculation_attachment, read_attachment
from payplan.statements.render import render_html
from payplan.statements.signing import SIGNATURE_NAME, fingerprint, installation_public_key, public_pem
from payplan.statements.verify import verify_pdf
from payplan.statements.view import from_calculation
from payplan.runs import lifecycle as runs
from payplan.store.service_schema import run_results
from tests.service_db import company, db_url, engine, tx  # noqa: F401 - the service database


def _reattached(pdf: bytes, files: dict[str, bytes]) -> bytes:
    """The same pages with exactly `files` embedded (as a forger with pypdf would)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer._root_object.pop("/Names", None)
    for name, data in files.items():
        writer.add_attachment(name, data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _invented(calc: calculation.Calculation) -> calculation.Calculation:
    """The same rep's month recomputed by payplan's engine on invented inputs: deals ×3,
    target incentive ×10, another rep's name."""
    inputs = calc.inputs
    deals = tuple(msgspec.structs.replace(d, amount=d.amount * 3) for d in inputs.deals)
    rep = Rep(inputs.rep.id, name="Somebody Else", role=inputs.rep.role, team=inputs.rep.team)
    plan = calc.plan
    bonus = next((c for c in plan.components if hasattr(c, "target_incentive")), None)
    if bonus is not None:
        richer = msgspec.structs.replace(bonus, target_incentive=bonus.target_incentive * 10)
        plan = msgspec.structs.replace(plan, components=tuple(richer if c is bonus else c for c in plan.components))
    forged = msgspec.structs.replace(inputs, deals=deals, rep=rep)
    return calculation.calculate(plan, forged, calc.state_in, plan_toml="", run=calc.run)


def _signature_problems(verdict) -> list[str]:
    return [d for d in verdict.differences if d.startswith("signature:")]


def test_an_untouched_statement_passes(pdf_en, pdf_uk, tmp_path):
    for path in (pdf_en, pdf_uk):
        assert verify_pdf(path.read_bytes()).ok
    shown = CliRunner().invoke(cli, ["keys", "show"])
    assert shown.exit_code == 0 and shown.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert shown.stdout == public_pem(installation_public_key())
    key = tmp_path / "payplan.pub"
    key.write_text(shown.stdout)
    result = CliRunner().invoke(cli, ["verify", str(pdf_en), "--public-key", str(key)])
    assert result.exit_code == 0 and result.output.startswith("match:")


def test_a_statement_remade_by_payplan_on_invented_inputs_fails(ae01, tmp_path):
    forged = _invented(ae01)
    assert forged.result.total != ae01.result.total  # the forgery does pay more
    own = PdfRenderer()
    own._signing_key = Ed25519PrivateKey.generate()  # the forger's own installation
    signed_elsewhere = own.statement(forged, "en")
    verdict = verify_pdf(signed_elsewhere)
    assert not verdict.ok
    assert _signature_problems(verdict) == [
        f"signature: does not verify with public key {fingerprint(installation_public_key())} "
        "(the calculation was altered, or signed with another key)"]
    # the same PDF checks out only against the forger's own public key
    assert verify_pdf(signed_elsewhere, own._signing_key.public_key()).ok

    unsigned = own.html_to_pdf(render_html(from_calculation(forged), "en"), [calculation_attachment(forged)])
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(unsigned)
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1
    assert "signature: none embedded (payplan-calculation.sig is missing)" in result.output


def test_a_genuine_signature_on_an_altered_calculation_fails(pdf_en):
    pdf = pdf_en.read_bytes()
    doc = msgspec.json.decode(read_attachment(pdf))
    doc["result"]["total"] = "9999.99"
    altered = _reattached(pdf, {ATTACHMENT_NAME: msgspec.json.encode(doc),
                                SIGNATURE_NAME: read_attachment(pdf, SIGNATURE_NAME)})
    assert len(_signature_problems(verify_pdf(altered))) == 1


def test_an_edited_printed_amount_fails(renderer, ae01):
    line = ae01.result.lines[1]
    printed, edited = f"{line.amount:,.2f}", f"{line.amount + Decimal('1000'):,.2f}"
    html = render_html(from_calculation(ae01), "en")
    assert html.count(printed) >= 1
    # the genuine signed calculation, pages showing one figure changed
    pdf = renderer.html_to_pdf(html.replace(printed, edited, 1), renderer.signed_attachments(ae01))
    verdict = verify_pdf(pdf)
    assert not verdict.ok and _signature_problems(verdict) == []
    assert any(d.startswith(f"printed amounts: {printed} is printed") for d in verdict.differences)


def test_flipped_bytes_fail(pdf_en):
    pdf = pdf_en.read_bytes()
    data, signature = read_attachment(pdf), read_attachment(pdf, SIGNATURE_NAME)
    rng = random.Random(19)
    for _ in range(25):
        at = rng.randrange(len(data))
        flipped = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        verdict = verify_pdf(_reattached(pdf, {ATTACHMENT_NAME: flipped, SIGNATURE_NAME: signature}))
        assert not verdict.ok and (_signature_problems(verdict) or "not a payplan calculation" in verdict.differences[-1])
    doc = msgspec.json.decode(signature)
    raw = bytearray(__import__("base64").b64decode(doc["signature"]))
    raw[rng.randrange(len(raw))] ^= 1
    doc["signature"] = __import__("base64").b64encode(bytes(raw)).decode()
    verdict = verify_pdf(_reattached(pdf, {ATTACHMENT_NAME: data, SIGNATURE_NAME: msgspec.json.encode(doc)}))
    assert _signature_problems(verdict)
    assert not verify_pdf(pdf[:len(pdf) // 2]).ok  # a cut file is not readable


@pytest.fixture
def run_pdf(tx, company, db_url, monkeypatch, tmp_path) -> tuple[Path, int]:
    """An approved run's statement for rep A1, verify pointed at the run's database."""
    run = tx(runs.create_run, "svc@1", "2026-03", company.fin1)
    tx(runs.submit, run.id, company.fin1)
    tx(runs.approve, run.id, company.fin2)
    calc = tx(run_calculations, run.id, "A1")[0]
    path = tmp_path / "a1.pdf"
    path.write_bytes(PdfRenderer().statement(calc, "en"))
    monkeypatch.setenv("PAYPLAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield path, run.id
    get_settings.cache_clear()


def test_verify_database_compares_with_the_stored_run(run_pdf, tx):
    path, run_id = run_pdf
    result = CliRunner().invoke(cli, ["verify", str(path), "--database"])
    assert result.exit_code == 0, result.output
    mine = (run_results.c.run_id == run_id) & (run_results.c.rep_id == "A1")
    stored = tx(lambda conn: conn.execute(select(run_results.c.result).where(mine)).scalar_one())
    assert stored.count(b'"total":"200.00"') == 1  # the document's JSON (stored packed)
    lowered = stored.replace(b'"total":"200.00"', b'"total":"150.00"')
    tx(lambda conn: conn.execute(update(run_results).where(mine).values(result=lowered)))
    result = CliRunner().invoke(cli, ["verify", str(path), "--database"])
    assert result.exit_code == 1
    assert f"database: total printed 200.00, stored in run {run_id} 150.00" in result.output
    assert CliRunner().invoke(cli, ["verify", str(path)]).exit_code == 0  # the PDF alone is still genuine
