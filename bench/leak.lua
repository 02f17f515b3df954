-- leak.lua: wrk script for bench/leak: cycles a fixed list of requests.
--
--   wrk -t2 -c8 -d600s -s bench/leak.lua http://127.0.0.1:PORT -- REQUESTS LIMIT
--
-- REQUESTS  a file with one request a line: a path (already percent-encoded),
--           optionally followed by a tab and one header ("Name: value")
-- LIMIT     stop each thread after this many responses (non-2xx included)
--
-- done() prints one line:
--   LEAK requests=N duration_s=S rps=R errors=E non2xx=N

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
	table.insert(threads, thread)
end

local requests = {}
local pos = 1
local seen = 0
local limit = 0
non2xx = 0

function init(args)
	local file = args[1]
	if not file then error("usage: -- REQUESTS LIMIT") end
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
	pos = ((tid or 1) - 1) * 13 % #requests + 1
	limit = tonumber(args[2] or "0") or 0
end

function request()
	local r = requests[pos]
	pos = pos % #requests + 1
	return r
end

function response(status, headers, body)
	seen = seen + 1
	if status < 200 or status > 299 then non2xx = non2xx + 1 end
	if limit > 0 and seen >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests_)
	local n2 = 0
	for _, t in ipairs(threads) do n2 = n2 + (t:get("non2xx") or 0) end
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("LEAK requests=%d duration_s=%.1f rps=%.1f errors=%d non2xx=%d\n",
		summary.requests, secs, summary.requests / secs,
		e.connect + e.read + e.write + e.timeout, n2))
end
