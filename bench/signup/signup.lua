-- wrk script for bench/signup: POST /api/v2/people (the signup helper) with a mix of new and repeat people.
-- Arguments (after `--`): API_KEY RUN_TAG [phone_group] [new_percent] [path]
--   RUN_TAG     distinguishes runs (warm-up, email run, phone run) so "new" emails are new across runs.
--   phone_group 0: no phone; k >= 1: include a unique US phone number per person, from area codes reserved
--               for group k (use a different k per run so "new" phones are new too; up to 8 wrk threads).
--   new_percent share of requests that create a new person (default 70); the rest repeat an email this
--               thread already posted (an update of an existing person).
--   path        where to POST (default /api/v2/people); bench/signature passes a petition's signatures URL,
--               whose record helper takes the same {"person": ...} body.
-- Every request counts as one signup. response() counts non-200 answers; done() prints them with the number
-- of new emails generated, as machine-readable lines "signup_stat KEY VALUE" for run.sh.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local key, tag, phone_group, new_pct, path
-- globals, so done() can read them from each thread with thread:get()
n_new, n_repeat, non200, non200_sample = 0, 0, 0, ""
-- US area codes used for synthetic phone numbers (one per thread and run; exchange 230-529, line 0000-9999).
local areas = {"212", "202", "617", "312", "415", "206", "303", "512",
               "404", "305", "213", "718", "646", "503", "612", "614"}

function init(args)
  key = args[1]
  tag = args[2] or "r"
  phone_group = tonumber(args[3] or "0")
  new_pct = tonumber(args[4] or "70")
  path = args[5] or "/api/v2/people"
  math.randomseed(os.time() * 7919 + tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["OSDI-API-Token"] = key
  wrk.headers["User-Agent"] = "wrk-bench-signup"
end

local function email(n)
  return string.format("%s-t%d-%d@bench.example", tag, tid, n)
end

local function phone(n)
  local slot = ((phone_group - 1) * 8 + tid) % #areas + 1
  return string.format("+1%s%03d%04d", areas[slot], 230 + math.floor(n / 10000) % 300, n % 10000)
end

function request()
  local n
  -- repeats pick an email generated at least 512 requests ago (its POST has long been answered)
  if n_new > 512 and math.random(100) > new_pct then
    n = math.random(1, n_new - 512)
    n_repeat = n_repeat + 1
  else
    n_new = n_new + 1
    n = n_new
  end
  local ph = ""
  if phone_group > 0 then
    ph = string.format(',"phone_numbers":[{"number":"%s"}]', phone(n))
  end
  local body = string.format(
    '{"person":{"given_name":"Given%d","family_name":"Family","email_addresses":[{"address":"%s"}]%s,' ..
    '"postal_addresses":[{"postal_code":"20009"}]},"add_tags":["volunteer"]}', n, email(n), ph)
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200_sample == "" then non200_sample = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local tot_new, tot_rep, tot_bad, sample = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    tot_new = tot_new + t:get("n_new")
    tot_rep = tot_rep + t:get("n_repeat")
    tot_bad = tot_bad + t:get("non200")
    local s = t:get("non200_sample")
    if s ~= "" and sample == "" then sample = s end
  end
  io.write(string.format("signup_stat requests %d\n", summary.requests))
  io.write(string.format("signup_stat duration_us %d\n", summary.duration))
  io.write(string.format("signup_stat new_generated %d\n", tot_new))
  io.write(string.format("signup_stat repeat_generated %d\n", tot_rep))
  io.write(string.format("signup_stat non200 %d\n", tot_bad))
  io.write(string.format("signup_stat socket_errors %d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("signup_stat p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("signup_stat p90_ms %.3f\n", latency:percentile(90) / 1000))
  io.write(string.format("signup_stat p99_ms %.3f\n", latency:percentile(99) / 1000))
  io.write(string.format("signup_stat max_ms %.3f\n", latency.max / 1000))
  io.write(string.format("signup_stat rps %.1f\n", summary.requests / (summary.duration / 1e6)))
  if sample ~= "" then io.write("signup_stat non200_sample " .. sample:gsub("\n", " ") .. "\n") end
end
