-- wrk script: GET /api/v2/people/{id} for a random person from the ids file (a logged read).
-- Arguments (after --): API key, path of a file with one person id per line.
local ids = {}
local key

function init(args)
  key = args[1]
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

function request()
  return wrk.format("GET", "/api/v2/people/" .. ids[math.random(#ids)], { ["OSDI-API-Token"] = key })
end

function done(summary, latency, requests)
  io.write(string.format("read_stat requests %d\n", summary.requests))
  io.write(string.format("read_stat rps %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("read_stat non200_or_errors %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
  for _, p in ipairs({ 50, 99 }) do
    io.write(string.format("read_stat p%d_ms %.3f\n", p, latency:percentile(p) / 1000))
  end
end
