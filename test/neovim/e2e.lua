-- Headless Neovim (0.7+) as a real third-party LSP client of the bundled
-- language server, on a copy of the example workspace. Run by
-- scripts/neovim/run.mjs, which passes the paths in the environment and checks
-- what this script records in DPAT_OUT (JSON):
--   1. start the server with vim.lsp.start_client, open each file that has
--      findings, wait for its diagnostics (vim.wait on a condition, no sleeps);
--   2. on each diagnostic, ask for code actions exactly as :lua
--      vim.lsp.buf.code_action() does (cursor on the diagnostic, the line's
--      diagnostics in the context), with vim.ui.select answering;
--   3. apply the inbox fix through that same path and wait for its finding to go;
--   4. on the payments handler, that inbox uncovers a dual write (a repeat now skips the publish):
--      record the code actions offered on it.
-- Every wait is bounded; the script always writes its record and quits.

local env = vim.env
local out = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch),
  files = {}, actions = {}, applied = nil, errors = {}, server_log = {} }
local WAIT_MS = tonumber(env.DPAT_WAIT_MS or '60000')

local function write_out()
  local f = assert(io.open(env.DPAT_OUT, 'w'))
  f:write(vim.json.encode(out))
  f:close()
end

local function fail(message)
  table.insert(out.errors, message)
end

-- Server log lines, for the runner to show on failure.
vim.lsp.handlers['window/logMessage'] = function(_, result)
  if result and #out.server_log < 400 then table.insert(out.server_log, result.message) end
end
vim.lsp.handlers['window/showMessage'] = vim.lsp.handlers['window/logMessage']

local function main()
  local root = env.DPAT_WS
  local expected = vim.json.decode(env.DPAT_EXPECT) -- { [relative path] = number of findings }
  local client_id = vim.lsp.start_client({
    name = 'distributed-patterns',
    cmd = { env.DPAT_NODE, env.DPAT_SERVER, '--stdio' },
    root_dir = root,
  })
  if not client_id then return fail('vim.lsp.start_client returned nil') end
  local ns = vim.lsp.diagnostic.get_namespace(client_id)

  -- 1. Open the files and wait for their diagnostics.
  local buffers = {}
  for rel, count in pairs(expected) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. rel))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    buffers[rel] = bufnr
    local ok = vim.wait(WAIT_MS, function() return #vim.diagnostic.get(bufnr, { namespace = ns }) >= count end, 50)
    if not ok then fail(('timed out waiting for %d diagnostic(s) on %s'):format(count, rel)) end
    local seen = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
      table.insert(seen, { code = d.code, line = d.lnum + 1, col = d.col + 1, source = d.source,
        docs = d.user_data and d.user_data.lsp and d.user_data.lsp.codeDescription and d.user_data.lsp.codeDescription.href or vim.NIL })
    end
    out.files[rel] = seen
  end

  -- 2. Code actions on each diagnostic, the way vim.lsp.buf.code_action() asks for them.
  local function code_actions_at(bufnr, d)
    vim.api.nvim_set_current_buf(bufnr)
    vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
    local chosen, none = nil, false
    local original_select, original_notify = vim.ui.select, vim.notify
    vim.ui.select = function(items, _, on_choice) chosen = { items = items, on_choice = on_choice } end
    vim.notify = function(msg, ...)
      if msg == 'No code actions available' then none = true else original_notify(msg, ...) end
    end
    -- What the request carries: 0.7's code_action() puts the line's diagnostics in the context.
    local echoed = vim.lsp.diagnostic.get_line_diagnostics(bufnr)
    vim.lsp.buf.code_action()
    local ok = vim.wait(WAIT_MS, function() return chosen ~= nil or none end, 20)
    vim.ui.select, vim.notify = original_select, original_notify
    if not ok then fail(('no code-action answer on %s:%d'):format(vim.api.nvim_buf_get_name(bufnr), d.lnum + 1)) end
    return chosen, echoed
  end

  local inbox
  for rel, bufnr in pairs(buffers) do
    for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
      local chosen, echoed = code_actions_at(bufnr, d)
      local titles = {}
      for _, tuple in ipairs(chosen and chosen.items or {}) do
        table.insert(titles, tuple[2].title)
        -- Prefer the payments handler: it writes, then publishes, so its inbox uncovers a dual write (step 4).
        if d.code == 'non-idempotent-consumer' and tuple[2].title:match('^Guard with an inbox') and (not inbox or rel:match('payments')) then
          inbox = { rel = rel, bufnr = bufnr, line = d.lnum, col = d.col }
        end
      end
      local keys = {}
      for _, e in ipairs(echoed) do
        local k = {}
        for key in pairs(e) do table.insert(k, key) end
        table.sort(k)
        table.insert(keys, table.concat(k, ','))
      end
      table.insert(out.actions, { file = rel, rule = d.code, line = d.lnum + 1, titles = titles, echoed_fields = keys })
    end
  end

  -- 3. Apply the inbox fix through vim.ui.select and wait for its finding to go.
  if not inbox then return fail('no "Guard with an inbox" action was offered on any non-idempotent-consumer finding') end
  local bufnr = inbox.bufnr
  local function flagged()
    for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
      if d.code == 'non-idempotent-consumer' then return true end
    end
    return false
  end
  local target = nil
  for _, d in ipairs(vim.diagnostic.get(bufnr, { namespace = ns })) do
    if d.code == 'non-idempotent-consumer' and d.lnum == inbox.line then target = d end
  end
  local chosen = code_actions_at(bufnr, target)
  local title
  for _, tuple in ipairs(chosen and chosen.items or {}) do
    if tuple[2].title:match('^Guard with an inbox') then
      title = tuple[2].title
      chosen.on_choice(tuple)
      break
    end
  end
  local changed = vim.api.nvim_buf_get_option(bufnr, 'modified')
  local gone = vim.wait(WAIT_MS, function() return not flagged() end, 50)
  out.applied = { file = inbox.rel, line = inbox.line + 1, title = title or vim.NIL, buffer_modified = changed, finding_gone = gone,
    remaining = #vim.diagnostic.get(bufnr, { namespace = ns }) }
  if not gone then fail('the non-idempotent-consumer finding stayed after the inbox fix was applied') end

  -- 4. Once the handler deduplicates, a repeat skips its publish: the dual write that uncovers arrives, with its outbox fix.
  out.uncovered = {}
  for rel, b in pairs(buffers) do
    if rel:match('payments') then
      vim.wait(WAIT_MS, function()
        for _, d in ipairs(vim.diagnostic.get(b, { namespace = ns })) do if d.code == 'dual-write' then return true end end
        return false
      end, 50)
      for _, d in ipairs(vim.diagnostic.get(b, { namespace = ns })) do
        if d.code == 'dual-write' then
          local found = code_actions_at(b, d)
          local titles = {}
          for _, tuple in ipairs(found and found.items or {}) do table.insert(titles, tuple[2].title) end
          table.insert(out.uncovered, { file = rel, rule = d.code, line = d.lnum + 1, titles = titles })
        end
      end
    end
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then fail('script error: ' .. tostring(err)) end
write_out()
vim.cmd(#out.errors == 0 and 'qall!' or 'cquit! 1')
