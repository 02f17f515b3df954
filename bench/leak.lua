-- leak.lua: wrk script for bench/leak: cycles a fixed list of requests.
--
--   wrk -t2 -c8 -d600s -s bench/leak.lua http://127.0.0.1:PORT -- REQUESTS LIMIT
--
-- REQUESTS  a file with one request a line: a path (already percent-encoded),
--           optionally followed by a tab and one header ("Name: value")
-- LIMIT     stop each thread after this many responses (non-2xx included);
--           without it (or 0) wrk runs for its duration and non2xx stays 0
--
-- done() prints one line:
--   LEAK requests=N duration_s=S rps=R errors=E non2xx=N
-- The thread numbering, the cycling and the limit are wrkcommon.lua's.

package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("wrkcommon")

function init(args)
	local file = args[1]
	if not file then error("usage: -- REQUESTS LIMIT") end
	local requests = {}
	for line in io.lines(file) do
		line = line:gsub("\r$", "")
		if line:match("%S") then
			local path, header = line:match("^([^\t]+)\t(.+)$")
			if not path then path = line end
			local headers = {}
			if header then
				local name, value = header:match("^([^:]+):%s*(.*)$")
				headers[name] = value
			end
			table.insert(requests, wrk.format("GET", path, headers))
		end
	end
	common.start(requests, 13, tonumber(args[2] or "0") or 0)
end

function done(summary, latency, requests_)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("LEAK requests=%d duration_s=%.1f rps=%.1f errors=%d non2xx=%d\n",
		summary.requests, secs, summary.requests / secs,
		e.connect + e.read + e.write + e.timeout, common.non2xx()))
end
