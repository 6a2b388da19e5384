-- wrk script of the mcsessions benchmark (benchmarks/runner, WrkLoad): the same requests as the Java generator.
-- Arguments after "--": FILE (one session id per line, created by the runner before the run), WRITE_SHARE (0..1:
-- the share of requests on the writing path), COOKIE (the session cookie's name), WRITE_PATH, READ_PATH.
-- Every request picks one of the sessions at random and, with WRITE_SHARE, the writing or the reading path. The
-- requests are built once per thread, so a request costs wrk a table look-up, not a string build.

local writes = {}
local reads = {}
local write_share = 1.0
local thread_number = 0

function setup(thread)
   thread_number = thread_number + 1
   thread:set("number", thread_number)
end

function init(args)
   local file, share, cookie, write_path, read_path = args[1], tonumber(args[2]), args[3], args[4], args[5]
   write_share = share
   for id in io.lines(file) do
      if id ~= "" then
         local headers = { ["Cookie"] = cookie .. "=" .. id }
         writes[#writes + 1] = wrk.format("GET", write_path, headers)
         headers = { ["Cookie"] = cookie .. "=" .. id }
         reads[#reads + 1] = wrk.format("GET", read_path, headers)
      end
   end
   if #writes == 0 then
      error("no session ids in " .. file)
   end
   math.randomseed(os.time() * 1000 + (number or 0))
end

function request()
   local i = math.random(#writes)
   if write_share >= 1.0 or math.random() < write_share then
      return writes[i]
   end
   return reads[i]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
      latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
