-- OIP v2 single-row infer: POST {"inputs":[{"name":...,"shape":[1,k],"datatype":...,"data":[...]}]}.
-- usage: wrk -s oip-infer.lua http://127.0.0.1:8080/v2/models/breast-cancer/infer -- [input] [datatype] [payload.csv]
-- input and datatype default to "input" and "FP32"; run.sh passes the ones the model's metadata names.
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function init(args)
  local input = args[1] or "input"
  local datatype = args[2] or "FP32"
  local _, values = common.read_payload(args[3] or common.default_payload)
  common.post(string.format('{"inputs":[{"name":%s,"shape":[1,%d],"datatype":%s,"data":[%s]}]}',
    common.json_string(input), #values, common.json_string(datatype), table.concat(values, ",")))
end
