-- wrk script: GET /api/v2/people/{id}/consent for a random person from the ids file.
-- Arguments (after --): API key, path of a file with one person id per line.
local ids = {}
local key

function init(args)
  key = args[1]
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v2/people/" .. id .. "/consent", { ["OSDI-API-Token"] = key })
end

local non200 = 0
function response(status)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("consent_stat requests %d\n", summary.requests))
  io.write(string.format("consent_stat non200_or_errors %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("consent_stat p%d_ms %.3f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("consent_stat max_ms %.3f\n", latency.max / 1000))
  io.write(string.format("consent_stat rps %.1f\n", summary.requests / (summary.duration / 1e6)))
end
