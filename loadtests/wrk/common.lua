-- Shared by the wrk scenarios: the single-row payload, the POST set-up, the optional capture of one answer,
-- and one machine-readable result line. Loaded with dofile() from the scenario scripts.
local common = {}

-- The folder this file lives in, so the default payload is found whatever folder wrk runs from.
common.dir = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
common.default_payload = common.dir .. "../payload/breast-cancer-row.csv"

local function split_commas(line)
  local fields = {}
  for field in (line .. ","):gmatch("([^,]*),") do
    fields[#fields + 1] = field:gsub("^%s+", ""):gsub("%s+$", "")
  end
  return fields
end

-- Reads a two-line CSV: feature names, then one row of numbers. The numbers are kept as text, exactly as the
-- data set writes them, so every scenario sends the same digits.
function common.read_payload(path)
  local file = assert(io.open(path, "r"), "cannot open payload " .. path)
  local header = file:read("*l")
  local row = file:read("*l")
  file:close()
  assert(header and row, "payload " .. path .. " needs a header line and a data line")
  local names, values = split_commas(header), split_commas(row)
  assert(#names == #values, "payload " .. path .. ": " .. #names .. " names but " .. #values .. " values")
  for i, v in ipairs(values) do
    assert(tonumber(v), "payload " .. path .. ": value " .. i .. " is not a number: " .. v)
  end
  return names, values
end

-- JSON string literal; feature names are plain text, so quotes and backslashes are all that need escaping.
function common.json_string(s)
  return '"' .. s:gsub('[\\"]', "\\%0") .. '"'
end

function common.json_strings(list)
  local quoted = {}
  for i, s in ipairs(list) do quoted[i] = common.json_string(s) end
  return table.concat(quoted, ",")
end

-- Fixes the request once: wrk then sends the same bytes on every call (a static request, no per-call Lua).
function common.post(body)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  local out = os.getenv("WRK_BODY_OUT")
  if out then
    local f = assert(io.open(out, "wb"))
    f:write(body)
    f:close()
  end
end

-- With WRK_CAPTURE=<file> set, the first answer's body goes to <file>, its status to <file>.status and its
-- headers to <file>.headers. Only then is response() defined, because defining it makes wrk parse every answer.
local capture = os.getenv("WRK_CAPTURE")
if capture then
  local captured = false
  function response(status, headers, body)
    if captured then return end
    captured = true
    local f = assert(io.open(capture, "wb")); f:write(body or ""); f:close()
    f = assert(io.open(capture .. ".status", "w")); f:write(tostring(status), "\n"); f:close()
    f = assert(io.open(capture .. ".headers", "w"))
    for name, value in pairs(headers) do f:write(name, ": ", value, "\n") end
    f:close()
  end
end

-- One line for the run script: counts, request rate and latency percentiles in microseconds.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end

return common
