-- OIP v2 infer of one row repeated ROWS times in Triton's binary tensor data layout: the JSON request (its input
-- with parameters.binary_data_size, binary outputs asked for), then the rows as little-endian FP32, with the
-- header Inference-Header-Content-Length giving the JSON's length. The same rows as oip-batch.lua sends as JSON.
-- usage: wrk -s oip-batch-binary.lua http://127.0.0.1:8080/v2/models/breast-cancer/infer -- [rows] [input] [payload.csv]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local function round_half_even(v)
  local f = math.floor(v)
  local d = v - f
  if d > 0.5 or (d == 0.5 and f % 2 == 1) then f = f + 1 end
  return f
end

-- IEEE 754 single precision, little-endian, rounded to nearest even (LuaJIT has no string.pack). A mantissa that
-- rounds up to 2^23 carries into the exponent by the addition itself. Finite values only, as the payload holds.
local function float32_le(x)
  local sign = 0
  if x < 0 or (x == 0 and 1 / x < 0) then sign = 1; x = -x end
  local bits
  if x == 0 then
    bits = 0
  else
    local m, e = math.frexp(x) -- x = m * 2^e, 0.5 <= m < 1
    local exponent = e + 126
    if exponent <= 0 then
      bits = round_half_even(x / 2 ^ -149) -- subnormal
    else
      bits = exponent * 2 ^ 23 + round_half_even((m * 2 - 1) * 2 ^ 23)
    end
    assert(bits < 255 * 2 ^ 23, "value too large for FP32: " .. x)
  end
  bits = bits + sign * 2 ^ 31
  local bytes = {}
  for i = 1, 4 do
    bytes[i] = string.char(bits % 256)
    bits = math.floor(bits / 256)
  end
  return table.concat(bytes)
end

function init(args)
  local rows = tonumber(args[1] or "64")
  local input = args[2] or "input"
  local _, values = common.read_payload(args[3] or common.default_payload)
  local row = {}
  for i, v in ipairs(values) do row[i] = float32_le(tonumber(v)) end
  local raw = string.rep(table.concat(row), rows)
  local json = string.format(
    '{"inputs":[{"name":%s,"shape":[%d,%d],"datatype":"FP32","parameters":{"binary_data_size":%d}}],' ..
    '"parameters":{"binary_data_output":true}}', common.json_string(input), rows, #values, #raw)
  common.post(json .. raw)
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = tostring(#json)
end
