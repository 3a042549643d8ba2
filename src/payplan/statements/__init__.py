"""Explainable pay statements: view model → HTML (Jinja2) → PDF (WeasyPrint).

The flow on one screen::

    Calculation (plan, inputs, carried state, result, run info)    calculation.py
        → StatementView (pure, no I/O, no formatting)                view.py
        → HTML, one template for the web page and the PDF            render.py
        → PDF with the calculation embedded as a JSON attachment     pdf.py
        → `payplan verify` re-computes it from the attachment        verify.py

A run's calculations come from what the run stored (`from_run.py`, `stored.py`), never
from current facts. `batch.py` renders many statements in worker processes and lists
the files it wrote in a manifest. Must not compute pay:
every figure printed comes from `payplan.core.engine.evaluate`.
"""

ATTACHMENT_NAME = "payplan-calculation.json"
LANGUAGES = ("en", "uk")
