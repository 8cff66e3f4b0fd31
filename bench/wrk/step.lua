-- step.lua - POST /api/cases/{id}/steps (bench/bench_server.sh): a home
-- visit (入户调查), a step that may be recorded any number of times before
-- the county confirms, each a write with its audit entry.
--
-- Run with as many threads as connections (wrk -tN -cN): each wrk thread is
-- then one client with one connection, and steps only its own cases, the
-- slice JZ_PER_CLIENT long of the case IDs in the file JZ_CASES (one a line),
-- going round them.  No two clients ever step the same case.
--
-- Every answer's status is counted; done() prints the counts and the first
-- body of every status other than 2xx (a 503 is "database busy").
local file = assert(os.getenv("JZ_CASES"), "JZ_CASES is not set")
local per = tonumber((assert(os.getenv("JZ_PER_CLIENT"), "JZ_PER_CLIENT is not set")))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("JZ_TOKEN") or "")
wrk.body = '{"action":"home-visit","note":"入户调查：核实家庭成员、收入和财产情况"}'

local threads, nt = {}, 0
function setup(thread)
  nt = nt + 1
  thread:set("tid", nt)
  table.insert(threads, thread)
end

local mine, k = {}, 0
codes, firsts, wraps = {}, {}, 0
function init(args)
  local all = {}
  for line in io.lines(file) do
    all[#all + 1] = line
  end
  for j = 1, per do
    mine[j] = all[(tid - 1) * per + j]
  end
  assert(mine[per], "not enough cases in " .. file .. " for client " .. tid)
end

function request()
  k = k + 1
  if k > per then
    k, wraps = 1, wraps + 1
  end
  return wrk.format(nil, "/api/cases/" .. mine[k] .. "/steps")
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if (status < 200 or status > 299) and not firsts[status] then
    firsts[status] = body
  end
end

function done(summary, latency, requests)
  local total, first, w, clients = {}, {}, 0, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("codes")) do
      total[s] = (total[s] or 0) + n
    end
    for s, b in pairs(t:get("firsts")) do
      first[s] = first[s] or b
    end
    w = w + t:get("wraps")
    clients = clients + 1
  end
  for s, n in pairs(total) do
    io.write(string.format("jz_status %d %d\n", s, n))
  end
  for s, b in pairs(first) do
    io.write(string.format("jz_first %d %s\n", s, b))
  end
  io.write(string.format("jz_clients %d\njz_rounds %d\n", clients, w))
end
