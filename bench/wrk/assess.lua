-- assess.lua - POST /api/assess with one household (bench/bench_server.sh).
-- JZ_BODY: the file holding the request body; JZ_TOKEN: the session token,
-- sent as "Authorization: Bearer" (the peer ignores it).  The same request
-- every time; wrk counts the non-2xx answers itself.
local f = assert(io.open(assert(os.getenv("JZ_BODY"), "JZ_BODY is not set"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("JZ_TOKEN") or "")
