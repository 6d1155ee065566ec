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


VSCODE = ROOT / "editors" / "vscode"
NPM_BIN = ROOT / "target" / "npm" / "node_modules" / ".bin"


def test_the_vscode_grammars_colour_the_samples():
    run = subprocess.run(
        [str(NPM_BIN / "vscode-tmgrammar-test"), "--config", "package.json", "tests/*"],
        cwd=VSCODE, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for sample in ("tests/relations.kg", "tests/queries.kgq"):
        assert f"\u2713 {sample} run successfuly" in run.stdout, run.stdout


def test_a_wrong_scope_fails_the_grammar_test(tmp_path):
    sample = tmp_path / "wrong.kg"
    sample.write_text('# SYNTAX TEST "source.dossier"\nChina member_of UN\n#     ^^^^^^^^^ storage.type.kind.dossier\n')
    run = subprocess.run(
        [str(NPM_BIN / "vscode-tmgrammar-test"), "--config", "package.json", str(sample)],
        cwd=VSCODE, capture_output=True, text=True,
    )
    assert run.returncode != 0
    assert "missing required scopes: storage.type.kind.dossier" in run.stdout, run.stdout


def test_the_vscode_extension_packages(tmp_path):
    import shutil
    import zipfile

    build = tmp_path / "vscode"
    shutil.copytree(VSCODE, build)
    # The client library, installed by tests/run.sh as the extension's
    # package.json pins it.
    shutil.copytree(ROOT / "target" / "vscode-deps" / "node_modules", build / "node_modules")
    run = subprocess.run(
        [str(NPM_BIN / "vsce"), "package", "--skip-license", "--allow-missing-repository", "-o", str(tmp_path / "dossier.vsix")],
        cwd=build, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    with zipfile.ZipFile(tmp_path / "dossier.vsix") as vsix:
        names = set(vsix.namelist())
        manifest = json.loads(vsix.read("extension/package.json"))
    for part in ("extension/extension.js", "extension/syntaxes/dossier.tmLanguage.json",
                 "extension/syntaxes/dossier-query.tmLanguage.json", "extension/language-configuration.json",
                 "extension/node_modules/vscode-languageclient/package.json"):
        assert part in names, part
    assert not any(n.startswith("extension/tests/") for n in names)
    languages = {l["id"]: l["extensions"] for l in manifest["contributes"]["languages"]}
    assert languages == {"dossier": [".kg"], "dossier-query": [".kgq"]}


def test_the_helix_configuration_starts_the_server_for_both_kinds_of_file():
    import tomllib

    config = tomllib.loads((ROOT / "editors" / "helix" / "languages.toml").read_text())
    server = config["language-server"]["dossier"]
    assert [server["command"], *server["args"]] == ["dossier", "lsp"]
    # The command runs: it answers an initialize request.
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    exit_ = json.dumps({"jsonrpc": "2.0", "method": "exit"})
    message = "".join(f"Content-Length: {len(b)}\r\n\r\n{b}" for b in (body, exit_))
    run = subprocess.run([DOSSIER, *server["args"]], input=message, capture_output=True, text=True, timeout=30)
    assert '"name":"dossier"' in run.stdout, run.stdout + run.stderr
    languages = {l["name"]: l for l in config["language"]}
    assert languages["dossier"]["file-types"] == ["kg"]
    assert languages["dossier-query"]["file-types"] == ["kgq"]
    assert all(l["language-servers"] == ["dossier"] for l in languages.values())
