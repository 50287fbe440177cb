-- Headless Neovim attaches to `oncall-lint server`, opens a file, waits for diagnostics
-- and writes them to a file, one per line: `LINE:COL CODE MESSAGE`.
--
-- usage: ONCALL_LINT=bin ROOT=dir FILE=values.yaml OUT=out.txt \
--        nvim --headless -u NONE -c 'luafile tests/nvim/attach.lua'
-- Works with Neovim 0.7 (Debian's: vim.lsp.start_client) and later (vim.lsp.start).
local bin, root, file, out = os.getenv("ONCALL_LINT"), os.getenv("ROOT"), os.getenv("FILE"), os.getenv("OUT")

local function finish(lines, status)
  vim.fn.writefile(lines, out)
  vim.cmd(status == 0 and "qall!" or "cquit! " .. status)
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local config = { name = "oncall-lint", cmd = { bin, "server" }, root_dir = root }
local client
if vim.lsp.start then
  client = vim.lsp.start(config)
else
  client = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, client)
end
if not client then
  finish({ "error: the client did not start" }, 2)
end

local seen = vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  local message = (d.message:gsub("\n.*", ""))
  table.insert(lines, string.format("%d:%d %s %s", d.lnum + 1, d.col + 1, code, message))
end
if not seen then
  table.insert(lines, "error: no diagnostic within 60 s")
end
vim.lsp.stop_client(client)
vim.wait(5000, function()
  return vim.lsp.get_client_by_id(client) == nil
end, 50)
finish(lines, seen and 0 or 1)
