"""The text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils)."""
from __future__ import annotations

import shutil
import subprocess

import pytest


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian's poppler-utils)")
    assert content.startswith(b"%PDF-")
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content,
                          capture_output=True, check=True, timeout=30)
    return " ".join(done.stdout.decode("utf-8").split())  # one line, single spaces
