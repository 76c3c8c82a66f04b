-- OIP v2 infer of one row repeated ROWS times: POST {"inputs":[{"name":...,"shape":[ROWS,k],"datatype":...,"data":[...]}]}.
-- usage: wrk -s oip-batch.lua http://127.0.0.1:8080/v2/models/breast-cancer/infer -- [rows] [input] [datatype] [payload.csv]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function init(args)
  local rows = tonumber(args[1] or "64")
  local input = args[2] or "input"
  local datatype = args[3] or "FP32"
  local _, values = common.read_payload(args[4] or common.default_payload)
  local row = table.concat(values, ",")
  local data = {}
  for i = 1, rows do data[i] = row end
  common.post(string.format('{"inputs":[{"name":%s,"shape":[%d,%d],"datatype":%s,"data":[%s]}]}',
    common.json_string(input), rows, #values, common.json_string(datatype), table.concat(data, ",")))
end
