-- wrkcommon.lua: what bench's wrk scripts (cycle.lua, leak.lua) share.
--
-- Loading it defines wrk's global setup(), which numbers the threads (each
-- thread's global tid: 1, 2, ...), and request(), which walks round the
-- thread's request list. A script's init() builds that list and hands it to
-- start(); its done() prints its own line, with non2xx() summed over the
-- threads. wrk runs scripts with LuaJIT, which does not look for modules
-- beside the script, so a script first adds its own folder:
--
--   package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
--       .. "?.lua;" .. package.path
--   local common = require("wrkcommon")
--
-- wrk runs the script in one Lua state per thread and in one more for
-- setup() and done(); each loads this module, and this file's locals are
-- per state.

local common = {}

local threads = {}	-- setup()/done() state: every thread, in order

function setup(thread)
	table.insert(threads, thread)
	thread:set("tid", #threads)
end

local requests = {}	-- thread state: formatted requests (wrk.format)
local pos = 1
non2xx = 0		-- thread state: answers outside 2xx (global: read by non2xx())

function request()
	local r = requests[pos]
	pos = pos % #requests + 1
	return r
end

-- start(list, stride, limit): in init(). LIST is the thread's requests;
-- thread N starts at entry (N - 1) * STRIDE (wrapped), so threads do not walk
-- in step. With LIMIT > 0 the thread stops after LIMIT responses (non-2xx
-- included) and counts non-2xx answers; without it no response() is defined,
-- so wrk does not parse headers and bodies for the script (and non2xx stays 0).
function common.start(list, stride, limit)
	if #list == 0 then error("no requests to send") end
	requests = list
	pos = ((tid or 1) - 1) * stride % #list + 1
	if limit and limit > 0 then
		local seen = 0
		response = function(status, headers, body)
			seen = seen + 1
			if status < 200 or status > 299 then non2xx = non2xx + 1 end
			if seen >= limit then wrk.thread:stop() end
		end
	end
end

-- non2xx(): in done(): the non-2xx answers of all threads.
function common.non2xx()
	local n = 0
	for _, t in ipairs(threads) do n = n + (t:get("non2xx") or 0) end
	return n
end

return common
