using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>The generated REST requests of each class, drawn with fixed seeds (see <see cref="HostileGen"/>).</summary>
internal static class HostileRequests
{
    private const string Infer = "/v2/models/iris/infer";
    private static readonly string GoodInput = """{"name":"input","shape":[1,4],"datatype":"FP32","data":[6.3,3.3,6.0,2.5]}""";

    /// <summary>OIP infer bodies: bad JSON, wrong shapes and datatypes, NaN, odd names and ids, deep nesting, repeats.</summary>
    public static HostileRequest[] OipRest(int count)
    {
        var input = from name in Gen.Frequency((2, Gen.Constant("\"input\"")), (3, HostileGen.OddString))
                    from shape in HostileGen.OddShape
                    from type in Gen.Frequency((2, Gen.Constant("FP32")), (3, HostileGen.Datatype))
                    from data in HostileGen.OddData
                    select $"{{\"name\":{name},\"shape\":{shape},\"datatype\":\"{type}\",\"data\":{data}}}";
        var structured = from id in Gen.Frequency((2, Gen.Constant(string.Empty)), (3, HostileGen.OddString.Select(s => $"\"id\":{s},")), (1, HostileGen.OddNumber.Select(n => $"\"id\":{n},")))
                         from inputs in Gen.Frequency((4, input.Select(i => $"[{i}]")), (1, input.ArrayOf(3).Select(i => "[" + string.Join(",", i) + "]")), (1, HostileGen.OddNumber))
                         from outputs in Gen.Frequency((3, Gen.Constant(string.Empty)), (2, HostileGen.OddString.Select(s => $",\"outputs\":[{{\"name\":{s}}}]")), (1, Gen.Elements(",\"outputs\":{}", ",\"outputs\":[1]", ",\"outputs\":[{\"name\":1}]")))
                         select $"{{{id}\"inputs\":{inputs}{outputs}}}";
        var goodInputOddRest = from id in HostileGen.OddString
                               from outputs in HostileGen.OddString
                               select $"{{\"id\":{id},\"inputs\":[{GoodInput}],\"outputs\":[{{\"name\":{outputs}}}]}}";
        var repeatedOutputs = Gen.Choose(2, 20_000).Select(n =>
            $"{{\"inputs\":[{GoodInput}],\"outputs\":[" + string.Join(",", Enumerable.Repeat("{\"name\":\"label\"}", n)) + "]}");
        var deep = from nesting in HostileGen.DeepNesting
                   from member in Gen.Elements("inputs", "data", "parameters", "outputs")
                   select member == "data"
                       ? $"{{\"inputs\":[{{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":{nesting}}}]}}"
                       : $"{{\"{member}\":{nesting}}}";
        var text = Gen.Frequency(
            (10, structured),
            (4, goodInputOddRest),
            (2, HostileGen.Truncated($"{{\"id\":\"t\",\"inputs\":[{GoodInput}]}}")),
            (2, deep),
            (1, repeatedOutputs),
            (1, Gen.Elements("[]", "1", "\"x\"", "null", "{}", "{\"inputs\":[]}", "{\"inputs\":null}", "{\"inputs\":[{}]}", "{\"inputs\":[1]}", "{\"id\":\"a\",\"id\":\"b\",\"inputs\":[]}")));
        var path = Gen.Frequency(
            (8, Gen.Constant(Infer)),
            (1, Gen.Elements("1", "0", "-1", "999", "abc", "99999999999999999999", "%2e%2e", "1%00").Select(v => $"/v2/models/iris/versions/{v}/infer")));
        var request = Gen.Frequency(
            (12, from body in text from p in path from type in Gen.Frequency((9, Gen.Constant<string?>("application/json")), (1, Gen.Elements<string?>(null, "text/plain", "application/json; charset=latin1", "garbage/x;;=;")))
                 select new HostileRequest("POST", p, HostileGen.Bytes(body), type)),
            (1, HostileGen.Garbage.Select(b => new HostileRequest("POST", Infer, b))));
        return HostileGen.Sample(request, seed: 11_001, count);
    }

    /// <summary>
    /// A valid iris body sent to <paramref name="count"/> distinct model names that no one serves (plus metadata and
    /// readiness of such names), some of them long enough to break a file path.
    /// </summary>
    public static HostileRequest[] UnknownModels(int count)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"inputs\":[{GoodInput}]}}");
        var lengths = new[] { 8, 8, 8, 8, 8, 8, 40, 300, 1_000, 4_000 };
        return [.. Enumerable.Range(0, count).Select(k =>
        {
            var name = $"x{k}" + new string('n', lengths[k % lengths.Length]);
            var escaped = Uri.EscapeDataString(k % 7 == 3 ? name + "\u00e9%" : name);
            return (k % 10) switch
            {
                8 => new HostileRequest("GET", $"/v2/models/{escaped}", []),
                9 => new HostileRequest("GET", $"/v2/models/{escaped}/versions/1/ready", []),
                _ => new HostileRequest("POST", $"/v2/models/{escaped}/infer", body),
            };
        })];
    }

    /// <summary>MLflow JSON bodies in the four layouts, with wrong columns, types, NaN, odd names and nesting.</summary>
    public static HostileRequest[] MlflowJson(int count)
    {
        var value = Gen.Frequency((3, HostileGen.OddNumber), (1, HostileGen.OddString), (1, Gen.Elements("[1,2]", "{\"a\":1}", "5.1")));
        var column = Gen.Frequency((3, Gen.Elements("\"sepal length (cm)\"", "\"sepal width (cm)\"", "\"petal length (cm)\"", "\"petal width (cm)\"")), (2, HostileGen.OddString), (1, HostileGen.OddNumber));
        var row = Gen.Choose(0, 6).SelectMany(n => value.ArrayOf(n)).Select(v => "[" + string.Join(",", v) + "]");
        var split = from columns in Gen.Choose(0, 6).SelectMany(n => column.ArrayOf(n))
                    from rows in Gen.Choose(0, 5).SelectMany(n => row.ArrayOf(n))
                    select $"{{\"dataframe_split\":{{\"columns\":[{string.Join(",", columns)}],\"data\":[{string.Join(",", rows)}]}}}}";
        var records = from pairs in Gen.Choose(0, 6).SelectMany(n => column.SelectMany(c => value.Select(v => $"{c}:{v}")).ArrayOf(n))
                      from rows in Gen.Choose(1, 4)
                      select "{\"dataframe_records\":[" + string.Join(",", Enumerable.Repeat("{" + string.Join(",", pairs) + "}", rows)) + "]}";
        var tensors = from key in Gen.Elements("instances", "inputs")
                      from payload in Gen.Frequency((2, row.ArrayOf(2).Select(r => "[" + string.Join(",", r) + "]")), (1, column.SelectMany(c => row.Select(r => $"{{{c}:{r}}}"))), (1, value))
                      select $"{{\"{key}\":{payload}}}";
        var odd = Gen.Frequency(
            (2, HostileGen.DeepNesting.Select(d => $"{{\"dataframe_split\":{{\"columns\":[],\"data\":{d}}}}}")),
            (1, HostileGen.DeepNesting),
            (1, HostileGen.Truncated("{\"dataframe_split\":{\"columns\":[\"sepal length (cm)\",\"sepal width (cm)\",\"petal length (cm)\",\"petal width (cm)\"],\"data\":[[5.1,3.5,1.4,0.2]]}}")),
            (1, Gen.Elements("{}", "[]", "null", "{\"dataframe_split\":null}", "{\"instances\":[],\"inputs\":[]}", "{\"dataframe_split\":{}}", "{\"unknown\":1}")));
        var text = Gen.Frequency((4, split), (3, records), (3, tensors), (2, odd));
        var type = Gen.Frequency((8, Gen.Constant<string?>("application/json")), (1, Gen.Elements<string?>("application/json; format=pandas-split", "application/json; charset=utf-16", "text/plain", null, "application/xml")));
        var request = Gen.Frequency(
            (10, from body in text from t in type select new HostileRequest("POST", "/invocations", HostileGen.Bytes(body), t)),
            (1, HostileGen.Garbage.Select(b => new HostileRequest("POST", "/invocations", b))));
        return HostileGen.Sample(request, seed: 11_002, count);
    }

    /// <summary>MLflow CSV bodies: odd headers, ragged rows, bad cells, broken quotes, invalid UTF-8, and a few large valid ones.</summary>
    public static HostileRequest[] MlflowCsv(int count, int largeRows, int largeCount)
    {
        const string Header = "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)";
        var cell = Gen.Frequency(
            (5, Gen.Elements("5.1", "3.5", "1.4", "0.2", "0", "-1")),
            (3, Gen.Elements("", "NaN", "inf", "-Infinity", "abc", "1e400", "\"5.1\"", "\"unclosed", "\"a\"\"b\"", "1,5", " 5.1 ", "0x1", "\u00a0")),
            (1, HostileGen.OddStringContent));
        var row = Gen.Choose(0, 7).SelectMany(n => cell.ArrayOf(n)).Select(c => string.Join(",", c));
        var header = Gen.Frequency(
            (5, Gen.Constant(Header)),
            (2, Gen.Elements("a,b,c,d", "", ",,,", "sepal length (cm),sepal length (cm),sepal length (cm),sepal length (cm)", "\"" + Header, Header + ",extra")),
            (2, HostileGen.OddStringContent.ArrayOf(4).Select(c => string.Join(",", c))));
        var csv = from h in header
                  from rows in Gen.Choose(0, 6).SelectMany(n => row.ArrayOf(n))
                  from newline in Gen.Elements("\n", "\r\n", "\r")
                  select h + newline + string.Join(newline, rows);
        var type = Gen.Frequency((9, Gen.Constant<string?>("text/csv")), (1, Gen.Elements<string?>("text/csv; charset=latin1", "application/csv", "text/csv; header=absent")));
        var request = Gen.Frequency(
            (10, from body in csv from t in type select new HostileRequest("POST", "/invocations", HostileGen.Bytes(body), t)),
            (1, HostileGen.Garbage.Select(b => new HostileRequest("POST", "/invocations", b, "text/csv"))));
        var large = Encoding.UTF8.GetBytes(Header + "\n" + string.Concat(Enumerable.Repeat("5.1,3.5,1.4,0.2\n", largeRows)));
        return [.. HostileGen.Sample(request, seed: 11_003, count), .. Enumerable.Repeat(new HostileRequest("POST", "/invocations", large, "text/csv"), largeCount)];
    }

    /// <summary>Admin calls with no key, wrong keys and, with the right key, bad bodies and names no one serves.</summary>
    public static HostileRequest[] Admin(int count)
    {
        var wrongKey = Gen.Frequency(
            (3, Gen.Constant<string?>(null)),
            (3, Gen.Elements<string?>("Bearer", "Bearer ", "Bearer x", "Basic Zm9vOmJhcg==", "Bearer " + HostileGateway.FullKey[..^1], HostileGateway.FullKey)),
            (1, Gen.Choose(1_000, 20_000).Select(n => (string?)("Bearer " + new string('k', n)))));
        var name = Gen.Frequency((3, Gen.Constant("iris")), (2, HostileGen.OddStringContent.Select(s => Uri.EscapeDataString(s))));
        var route = from n in name
                    from r in Gen.Elements(
                        ("GET", "/admin/models"), ("GET", $"/admin/models/{{n}}"), ("GET", "/admin/models/{n}/deployment"), ("GET", "/admin/models/{n}/rollout"),
                        ("PUT", "/admin/models/{n}/deployment"), ("POST", "/admin/models/{n}/promote"), ("POST", "/admin/models/{n}/rollback"),
                        ("POST", "/admin/models/{n}/rollout"), ("POST", "/admin/models/{n}/rollout/pause"), ("POST", "/admin/models/{n}/versions/1/load"),
                        ("POST", "/v2/repository/index"), ("POST", "/v2/repository/models/{n}/load"), ("POST", "/v2/repository/models/{n}/unload"))
                    select (r.Item1, r.Item2.Replace("{n}", n, StringComparison.Ordinal));
        var body = Gen.Frequency(
            (3, Gen.Elements("{}", "[]", "null", "{\"stable\":\"x\"}", "{\"stable\":-1}", "{\"stable\":99999999999}", "{\"canary\":{\"version\":1,\"weight\":2}}", "{\"stable\":1,\"canary\":{\"version\":1,\"weight\":-0.5}}", "{\"steps\":[]}", "{\"steps\":[1e400]}", "{\"shadow\":\"a\"}")),
            (2, HostileGen.OddString.Select(s => $"{{\"stable\":{s},\"canary\":{{\"version\":{s}}}}}")),
            (1, HostileGen.DeepNesting),
            (1, HostileGen.Garbage.Select(b => Encoding.Latin1.GetString(b))));
        var unauthorised = from r in route from k in wrongKey from b in body
                           select new HostileRequest(r.Item1, r.Item2, HostileGen.Bytes(b), "application/json", k);
        // With the right key only bodies that cannot be valid, or models no one serves, so nothing changes the served iris.
        var keyed = from b in body
                    from r in Gen.Elements(("PUT", "/admin/models/iris/deployment"), ("POST", "/admin/models/iris/rollout"))
                    from other in HostileGen.OddStringContent.Select(s => "nobody-" + Uri.EscapeDataString(s))
                    from useOther in Gen.Elements(false, true)
                    select new HostileRequest(r.Item1, useOther ? r.Item2.Replace("iris", other, StringComparison.Ordinal) : r.Item2, HostileGen.Bytes(b), "application/json", "Bearer " + HostileGateway.FullKey);
        return HostileGen.Sample(Gen.Frequency((3, unauthorised), (1, keyed)), seed: 11_004, count);
    }

    /// <summary>Feedback posts: bad ids, odd labels, huge label lists, many items, huge ids, garbage.</summary>
    public static HostileRequest[] Feedback(int count)
    {
        var label = Gen.Frequency((3, HostileGen.OddNumber), (2, HostileGen.OddString), (1, Gen.Elements("[1,2]", "[[1]]", "{\"a\":1}", "[]")));
        var item = from id in Gen.Frequency((3, HostileGen.OddString), (1, HostileGen.OddNumber))
                   from l in label
                   select $"{{\"id\":{id},\"label\":{l}}}";
        var many = Gen.Choose(2, 3_000).SelectMany(n => item.ArrayOf(Math.Min(n, 50)).Select(items =>
            "[" + string.Join(",", Enumerable.Range(0, n).Select(k => items[k % items.Length])) + "]"));
        var text = Gen.Frequency(
            (8, item),
            (3, many),
            (1, HostileGen.DeepNesting),
            (1, Gen.Elements("{}", "[]", "null", "1", "\"x\"", "[1,2]", "{\"id\":null}", "{\"label\":1}")));
        var request = Gen.Frequency(
            (12, text.Select(t => new HostileRequest("POST", "/monitoring/feedback", HostileGen.Bytes(t)))),
            (1, HostileGen.Garbage.Select(b => new HostileRequest("POST", "/monitoring/feedback", b))));

        // What pinned gigabytes in the report, made smaller but still past the memory bound on a store bounded by count only:
        // four posts of a 2M-entry label list, twenty 1 MB ids, one id repeated 300,000 times.
        var hugeLabels = "{\"id\":\"held-{0}\",\"label\":[" + string.Join(",", Enumerable.Repeat("1", 2_000_000)) + "]}";
        var hugeId = "{\"id\":\"" + new string('i', 1 << 20) + "{0}\",\"label\":1}";
        var repeatedId = "[" + string.Join(",", Enumerable.Repeat("{\"id\":\"same\",\"label\":[1,0,1,0,1,0,1,0]}", 300_000)) + "]";
        var flood = Enumerable.Range(0, 4).Select(k => hugeLabels.Replace("{0}", $"{k}", StringComparison.Ordinal))
            .Concat(Enumerable.Range(0, 20).Select(k => hugeId.Replace("{0}", $"{k}", StringComparison.Ordinal)))
            .Append(repeatedId)
            .Select(t => new HostileRequest("POST", "/monitoring/feedback", Encoding.UTF8.GetBytes(t)))
            .ToArray();
        return [.. HostileGen.Sample(request, seed: 11_005, count - flood.Length), .. flood];
    }

    /// <summary>Raw bytes HttpClient will not send: chunk sizes that overflow, smuggling, broken framing, bodies that do not decompress.</summary>
    public static (string Label, byte[] Bytes)[] Transport()
    {
        var targets = new[]
        {
            ("infer", "POST /v2/models/iris/infer", "application/json", (string?)null),
            ("invocations", "POST /invocations", "text/csv", null),
            ("feedback", "POST /monitoring/feedback", "application/json", null),
            ("admin", "PUT /admin/models/iris/deployment", "application/json", "Bearer " + HostileGateway.FullKey),
            ("events", "POST /admin/events", "application/json", "Bearer " + HostileGateway.FullKey),
            ("index", "POST /v2/repository/index", "application/json", "Bearer " + HostileGateway.FullKey),
        };
        var framings = new (string Label, string Tail)[]
        {
            ("chunk ffffffffffffffff", "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ("chunk 7fffffffffffffff", "Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ("chunk overflow digits", "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
            ("chunk not hex", "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
            ("CL and TE", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/models HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("two CL", "Content-Length: 2\r\nContent-Length: 30\r\n\r\n{}"),
            ("CL negative", "Content-Length: -1\r\n\r\n{}"),
            ("CL huge", "Content-Length: 99999999999999999999\r\n\r\n{}"),
            ("TE unknown", "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
            ("gzip body", "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0008\u0000"),
            ("gzip garbage", "Content-Encoding: gzip\r\nContent-Length: 17\r\n\r\n\u001f\u008b\u0008\u0000\u0000\u0000\u0000\u0000\u0000\u0003garbage"),
            // Brotli reports bad data as InvalidOperationException, not InvalidDataException as gzip does.
            ("br garbage", "Content-Encoding: br\r\nContent-Length: 10\r\n\r\nnot brotli"),
            ("br short", "Content-Encoding: br\r\nContent-Length: 3\r\n\r\n\u008b\u0002\u0080"),
            ("header no colon", "X-Broken\r\nContent-Length: 2\r\n\r\n{}"),
            ("bare LF", "Content-Length: 2\n\n{}"),
        };
        return [.. from t in targets
                   from f in framings
                   from repeat in Enumerable.Range(0, 4)
                   let auth = t.Item4 is null ? string.Empty : $"Authorization: {t.Item4}\r\n"
                   select ($"{t.Item1}/{f.Label}", Encoding.Latin1.GetBytes($"{t.Item2} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {t.Item3}\r\n{auth}Connection: close\r\n{f.Tail}"))];
    }
}
