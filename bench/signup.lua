-- wrk script for bench/run: POST /subscribe with a new address on every request.
--
-- Environment:
--   BENCH_RUN_ID  a word that makes this run's addresses differ from any other run's
--   BENCH_CLOSE   1: send "Connection: close" (a new TCP connection per signup)
--   BENCH_LIMIT   if set, each thread makes exactly this many signups and
--                 then only asks GET /healthz, until bench/run sees them all
--                 stored and stops wrk (used to fill the outbox)
--
-- The addresses are  s<RUN>-<THREAD>-<N>@bench.example.com, N counting up per
-- thread, so no two requests of a run name the same address.
-- done() prints one machine-readable line starting with "BENCH " for bench/run.

local run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local close = os.getenv("BENCH_CLOSE") == "1"
local limit = tonumber(os.getenv("BENCH_LIMIT") or "")

local thread_count = 0

function setup(thread)
   thread_count = thread_count + 1
   thread:set("thread_id", thread_count)
end

local head
local prefix
local idle
local n = 0

function init(args)
   local host = wrk.host
   if wrk.port then
      host = host .. ":" .. wrk.port
   end
   head = "POST /subscribe HTTP/1.1\r\n"
      .. "Host: " .. host .. "\r\n"
      .. "User-Agent: assent-bench\r\n"
      .. "Content-Type: application/x-www-form-urlencoded\r\n"
      .. (close and "Connection: close\r\n" or "")
   prefix = "email=s" .. run_id .. "-" .. thread_id .. "-"
   -- wrk calls request() once in its first thread before the run, to check
   -- the request, and never sends that one: let it use number 0.
   if thread_id == 1 then
      n = -1
   end
   idle = "GET /healthz HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
end

function request()
   if limit and n >= limit then
      return idle
   end
   n = n + 1
   local body = prefix .. n .. "%40bench.example.com"
   return head .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(99), latency.max))
end
