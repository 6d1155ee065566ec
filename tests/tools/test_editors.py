"""The editors: Neovim (from Debian's packages, headless) with
editors/neovim/dossier.lua talks to `dossier lsp`, and the VS Code
extension's grammar colours the samples as their assertions say."""

import json
import os
import subprocess

from common import DOSSIER, ROOT

FILE = 'China: state "China"\nUN: body "United Nations"\nChina: body\nChina member_of U\n'


def test_neovim_shows_the_diagnostic_and_completes_an_entity(tmp_path):
    (tmp_path / "notes.kg").write_text(FILE)
    out = tmp_path / "out.json"
    run = subprocess.run(
        [
            "nvim", "--headless", "-u", "NONE",
            "--cmd", f"let g:dossier_command='{DOSSIER}'",
            "--cmd", f"luafile {ROOT / 'editors/neovim/dossier.lua'}",
            "notes.kg",
            "-c", f"luafile {ROOT / 'tests/tools/nvim_check.lua'}",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "OUT": str(out), "COMPLETE_AT": "3:17"},
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(out.read_text())
    assert got["filetype"] == "dossier"
    assert got["arrived"], got
    # The error `dossier check` gives, at its place, as an error.
    check = subprocess.run([DOSSIER, "check", "notes.kg"], cwd=tmp_path, capture_output=True, text=True)
    message = check.stderr.splitlines()[0].removeprefix("error: ")
    errors = [d for d in got["diagnostics"] if d["severity"] == 1]
    assert [d["message"] for d in errors] == [message], got
    assert (errors[0]["line"], errors[0]["col"]) == (2, 7)
    # An undeclared name: a hint.
    assert any(d["severity"] == 4 and d["message"] == "`U` is not declared" for d in got["diagnostics"]), got
    # Completing the object lists the entities, with kind and label.
    assert {"label": "UN", "detail": "body \u2014 United Nations"} in got["completions"], got
