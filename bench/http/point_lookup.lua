-- wrk script: a parameterised point lookup over HTTP (query Q1 of
-- /work/shared/bench/queries.json), cycling through a few names so the
-- answer is not one cached row.
--
--   wrk -t2 -c16 -d20s --latency -s bench/http/point_lookup.lua \
--       http://127.0.0.1:7480/v1/graphs/default/query
--
-- Names can be given after "--": wrk ... -- "name one" "name two"
-- The script counts non-2xx answers and prints them at the end, so a
-- fast run of errors cannot pass for a result.
local names = {"artificial intelligence (ai)", "next-generation battery services", "semiconductors", "quantum computing"}
local query = "MATCH (t:Technology {name: $name}) RETURN t.name AS name"
local counter = 0
bad = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function escape(s)
  return (s:gsub('\\', '\\\\'):gsub('"', '\\"'))
end

function init(args)
  if #args > 0 then names = args end
end

function request()
  counter = counter + 1
  local name = names[(counter % #names) + 1]
  local body = '{"query":"' .. escape(query) .. '","parameters":{"name":"' .. escape(name) .. '"}}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad == 1 then io.stderr:write("first non-2xx answer: " .. status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  io.write(string.format("non-2xx answers: %d\n", total_bad))
  io.write(string.format("requests/s: %.0f  p50: %.2f ms  p99: %.2f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
