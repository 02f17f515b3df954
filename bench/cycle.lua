-- cycle.lua: wrk script that cycles a query list over one or more paths.
--
--   wrk -t2 -c8 -d10s --latency -s bench/cycle.lua http://127.0.0.1:PORT \
--       -- QUERIES TEMPLATES [LIMIT]
--
-- QUERIES    a file with one query a line (UTF-8; blank lines skipped)
-- TEMPLATES  request paths separated by "|", where {q} becomes the
--            percent-encoded query, e.g. "/api/search?q={q}|/search?q={q}";
--            successive requests take successive queries, and the templates
--            alternate, so every thread walks the whole list
-- LIMIT      optional: stop each thread after this many responses (used for
--            the fixed-count memory run); counts non-2xx answers as well
--
-- done() prints one machine-readable line:
--   CYCLE requests=N duration_s=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..
--         connect=.. read=.. write=.. status=.. timeout=.. non2xx=..
-- (status counts answers >= 400, as wrk does; non2xx is counted only with LIMIT).
-- The thread numbering, the cycling and the limit are wrkcommon.lua's.

package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
local common = require("wrkcommon")

local function encode(s)
	return (s:gsub("[^A-Za-z0-9%-%._~]", function(c)
		return string.format("%%%02X", string.byte(c))
	end))
end

function init(args)
	local file, templates = args[1], args[2]
	if not file or not templates then
		error("usage: -- QUERIES TEMPLATES [LIMIT]")
	end
	local queries = {}
	for line in io.lines(file) do
		line = line:gsub("\r$", "")
		if line:match("%S") then table.insert(queries, line) end
	end
	local paths = {}
	for t in templates:gmatch("[^|]+") do table.insert(paths, t) end
	-- One request per (query, template), interleaved: q1/t1, q1/t2, q2/t1 ...
	local requests = {}
	for _, q in ipairs(queries) do
		local e = encode(q)
		for _, t in ipairs(paths) do
			local p = t:gsub("{q}", function() return e end)
			table.insert(requests, wrk.format("GET", p))
		end
	end
	-- Threads start at different places of the list.
	common.start(requests, 7, tonumber(args[3] or "0") or 0)
end

function done(summary, latency, requests_)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format(
		"CYCLE requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
		"connect=%d read=%d write=%d status=%d timeout=%d non2xx=%d\n",
		summary.requests, secs, summary.requests / secs,
		latency:percentile(50) / 1000, latency:percentile(90) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000,
		e.connect, e.read, e.write, e.status, e.timeout, common.non2xx()))
end
