"""What `kt` imports before any command runs: not the Excel, HTML-template and Word libraries."""

from __future__ import annotations

import subprocess
import sys

LOADED = ("import sys; from kompetanse_cli.cli import app; "
          "print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'jinja2', 'docxtpl'}))")


def test_startup_leaves_openpyxl_jinja2_and_docxtpl_to_the_commands_that_use_them() -> None:
    # A fresh interpreter: in the test process other tests have imported them already.
    result = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert result.stderr == ""


CTRL_C_WHILE_STARTING = """
import sys
class CtrlC:  # Ctrl-C arrives while kt's modules are being imported
    def find_spec(self, name, path=None, target=None):
        if name == "kompetanse_cli.cli.app":
            raise KeyboardInterrupt
sys.meta_path.insert(0, CtrlC())
sys.argv = ["kt", "--version"]
from kompetanse_cli.cli.start import main
main()
"""


def test_ctrl_c_while_kt_starts_says_avbrutt_without_a_traceback() -> None:
    result = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_STARTING], capture_output=True, text=True)
    assert result.returncode == 130
    assert result.stderr.strip() == "Avbrutt."
    assert result.stdout == ""


def test_a_data_folder_that_cannot_be_a_folder_is_a_clear_error(tmp_path, monkeypatch) -> None:
    from tests.conftest import run_kt

    a_file = tmp_path / "ikke-en-mappe"
    a_file.write_text("", encoding="utf-8")
    for home, expected in ((a_file, f"Datamappen {a_file} er en fil, ikke en mappe."),
                           (a_file / "under", f"Kan ikke lage datamappen {a_file / 'under'}: en del av stien er en fil.")):
        monkeypatch.setenv("KT_HOME", str(home))
        result = run_kt("liste")
        assert result.code == 1
        text = " ".join(result.stderr.split())
        assert text.startswith(f"Feil: {expected}")
        assert "pek KT_HOME til en mappe du kan skrive i" in text
        assert "uventet" not in text


def test_a_broken_settings_file_says_where_in_norwegian(kt_home) -> None:
    from tests.conftest import run_kt

    kt_home.mkdir(parents=True, exist_ok=True)
    (kt_home / "config.toml").write_text("fylke = \n", encoding="utf-8")
    result = run_kt("config", "vis")
    assert result.code == 1
    text = " ".join(result.stderr.split())
    assert f"Feil: Innstillingsfilen {kt_home / 'config.toml'}: ugyldig TOML på linje 1, kolonne 9." in text
    assert "Invalid" not in text
