"""What the tool tests share: where the repository and the binary are, and
running Dossier."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOSSIER = os.environ.get("DOSSIER", str(ROOT / "target" / "debug" / "dossier"))


def dossier(*args, cwd=ROOT):
    """Dossier's stdout; it must succeed."""
    out = subprocess.run([DOSSIER, *args], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def counts(*files):
    """(entities, relations, facts) as `dossier check` counts them."""
    line = dossier("check", *files).strip().split(";")[0]
    parts = line.removeprefix("ok: ").split(", ")
    return tuple(int(p.split()[0]) for p in parts)
