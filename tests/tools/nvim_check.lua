-- Run in headless Neovim on a relation file, with editors/neovim/dossier.lua
-- loaded: waits for the server's diagnostics, asks for a completion at the
-- line and column in $COMPLETE_AT ("line:column", 0-based), and writes
-- what arrived to $OUT as JSON.
local out = { filetype = vim.bo.filetype }
local arrived = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
out.arrived = arrived
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out.diagnostics, { line = d.lnum, col = d.col, severity = d.severity, message = d.message })
end
local line, col = os.getenv("COMPLETE_AT"):match("(%d+):(%d+)")
local params = {
  textDocument = vim.lsp.util.make_text_document_params(),
  position = { line = tonumber(line), character = tonumber(col) },
}
local answers = vim.lsp.buf_request_sync(0, "textDocument/completion", params, 10000) or {}
out.completions = {}
for _, answer in pairs(answers) do
  local items = answer.result and (answer.result.items or answer.result) or {}
  for _, item in ipairs(items) do
    table.insert(out.completions, { label = item.label, detail = item.detail })
  end
end
local file = io.open(os.getenv("OUT"), "w")
file:write(vim.fn.json_encode(out))
file:close()
vim.cmd("qa!")
