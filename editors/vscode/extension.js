// Starts `dossier lsp` for relation files and query scripts.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate() {
  const config = vscode.workspace.getConfiguration("dossier");
  const server = {
    command: config.get("path", "dossier"),
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  client = new LanguageClient(
    "dossier",
    "Dossier",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "dossier" },
        { scheme: "file", language: "dossier-query" },
      ],
      initializationOptions: { strict: config.get("strict", false) },
    },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
