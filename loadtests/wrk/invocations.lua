-- MLflow scoring protocol, single row: POST {"dataframe_split":{"columns":[30 names],"data":[[30 values]]}}.
-- usage: wrk -s invocations.lua http://127.0.0.1:8080/invocations -- [payload.csv]
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function init(args)
  local names, values = common.read_payload(args[1] or common.default_payload)
  common.post(string.format('{"dataframe_split":{"columns":[%s],"data":[[%s]]}}',
    common.json_strings(names), table.concat(values, ",")))
end
