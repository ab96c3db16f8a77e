-- wrk script: GET smsbox's sendsms with a distinct recipient per request (so nothing dedupes or batches).
-- SENDSMS_QUERY (env) holds username, password, from and text, already URL-encoded.
local query = os.getenv("SENDSMS_QUERY")
local n = 0
request = function()
  n = n + 1
  local to = string.format("%%2B1212%07d", (n * 7919) % 10000000)
  return wrk.format("GET", "/cgi-bin/sendsms?" .. query .. "&to=" .. to)
end
