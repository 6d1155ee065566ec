-- Dossier's language server in Neovim's own LSP client, for relation
-- files (.kg) and query scripts (.kgq). Put this file in
-- ~/.config/nvim/plugin/ (or `dofile` it from init.lua). Settings, before
-- it runs:
--   vim.g.dossier_command = "/path/to/dossier"  -- default: dossier on PATH
--   vim.g.dossier_strict = true                 -- check as `check --strict`
-- Works with Neovim 0.7 and later.

local group = vim.api.nvim_create_augroup("dossier", { clear = true })

vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  group = group,
  pattern = "*.kg",
  command = "setfiletype dossier",
})
vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
  group = group,
  pattern = "*.kgq",
  command = "setfiletype dossierquery",
})

-- One server a folder: the buffers under it share it.
local clients = {}

local function start()
  local root = vim.fn.getcwd()
  local config = {
    name = "dossier",
    cmd = { vim.g.dossier_command or "dossier", "lsp" },
    root_dir = root,
    init_options = { strict = vim.g.dossier_strict or false },
  }
  if vim.lsp.start then
    vim.lsp.start(config)
    return
  end
  -- Neovim 0.7: no vim.lsp.start yet.
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  vim.lsp.buf_attach_client(0, id)
end

vim.api.nvim_create_autocmd("FileType", {
  group = group,
  pattern = { "dossier", "dossierquery" },
  callback = start,
})
