-- household.lua - GET /api/households/{id} (bench/bench_server.sh): each
-- request one household of JZ_PREFIX%08d, 0 <= i < JZ_HOUSEHOLDS, the
-- threads starting at different places and going round.  JZ_TOKEN: the
-- session token (Authorization: Bearer).  wrk counts non-2xx answers.
local prefix = assert(os.getenv("JZ_PREFIX"), "JZ_PREFIX is not set")
local n = tonumber((assert(os.getenv("JZ_HOUSEHOLDS"), "JZ_HOUSEHOLDS is not set")))
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("JZ_TOKEN") or "")
local nt = 0
function setup(thread)
  nt = nt + 1
  thread:set("tid", nt)
end
local i
function init(args)
  i = ((tid or 1) - 1) * 7919
end
function request()
  i = i + 1
  return wrk.format("GET", string.format("/api/households/%s%08d", prefix, i % n))
end
