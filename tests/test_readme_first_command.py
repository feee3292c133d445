"""The README's first command runs kt on the sample list as a new user would: no terminal to
answer a prompt, a fresh data folder, nothing configured but what the command line says."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests import dbrows

REPO = Path(__file__).parent.parent


def _first_command() -> list[str]:
    block = re.search(r"```bash\n(.*?)\n```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    assert block, "the README opens with a bash block"
    kt_part = block.group(1).split("&&")[-1].strip()  # after the venv and the install
    assert ".venv/bin/kt screen" in kt_part, kt_part
    return shlex.split(kt_part)


def test_the_readmes_first_command_screens_the_sample_list_without_a_terminal(kt_home: Path) -> None:
    words = _first_command()
    env = {k: v for k, v in os.environ.items() if k not in ("KT_VEILEDER", "KT_DATABASE_URL")}
    env["KT_HOME"] = str(kt_home)
    while "=" in words[0]:  # VAR=value before the command
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    assert words[0] == ".venv/bin/kt"
    done = subprocess.run([sys.executable, "-m", "kompetanse_cli", *words[1:]], cwd=REPO, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Kandidater      16" in done.stdout
    assert dbrows.value("SELECT COUNT(*) FROM listeoppforing") == 317
