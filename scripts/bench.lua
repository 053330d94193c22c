-- wrk script of `make bench` (scripts/bench.py reads the line it prints).
--
-- Every response other than 200 counts as an error (a redirect to the login
-- page would otherwise pass for a fast admin page), and so does every
-- timeout: wrk leaves requests slower than --timeout out of the latencies.
-- Latencies are in microseconds; max_us is 0 when no request finished.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   not_ok = 0
end

function response(status, headers, body)
   if status ~= 200 then
      not_ok = not_ok + 1
   end
end

function done(summary, latency, requests)
   local bad = 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("not_ok")
   end
   local errors = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d bytes=%d not_ok=%d timeouts=%d"
         .. " socket_errors=%d p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration, summary.bytes, bad, errors.timeout,
      errors.connect + errors.read + errors.write,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency.max
   ))
end
