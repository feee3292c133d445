"""The typed interface is checked: mypy over kompetanse_cli/ (settings in pyproject.toml's
[tool.mypy]) reports no errors, so the test command runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parent.parent


def test_mypy_finds_no_errors_in_kompetanse_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "kompetanse_cli"], cwd=REPO, capture_output=True,
                          text=True, timeout=600)
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert errors == [], "\n".join(errors)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
