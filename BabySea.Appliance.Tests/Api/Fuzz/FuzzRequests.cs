using System.Text;
using CsCheck;

namespace BabySea.Appliance.Tests.Api.Fuzz;

/// <summary>One generated request: what is sent, byte for byte.</summary>
public sealed record FuzzRequest(string Method, string Path, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string? ContentType)
{
    public string Describe()
    {
        var body = Body is null ? "(no body)" : Body.Length > 300 ? $"{Body.Length} bytes: {Show(Body[..300])}..." : Show(Body);
        var path = Path.Length > 300 ? Path[..300] + $"... ({Path.Length} chars)" : Path;
        return $"{Method} {path} [{string.Join("; ", Headers.Select(h => $"{h.Name}: {(h.Value.Length > 80 ? h.Value[..80] + "..." : h.Value)}"))}]" +
               $" Content-Type: {ContentType ?? "(none)"} {body}";
    }

    private static string Show(byte[] bytes)
        => string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}"));
}

/// <summary>What the generators draw real identifiers from, so requests reach handlers and not only 404s.</summary>
public sealed record FuzzWorld(
    IReadOnlyList<string> ApiKeys,
    string AdminToken,
    IReadOnlyList<string> AccountIds,
    string GenerationId,
    string FileLink,
    string WebhookId,
    IReadOnlyList<string> ImageModels,
    IReadOnlyList<string> VideoModels);

/// <summary>
/// Generators of malformed requests: every route and method, identifiers real and junk, query values at every
/// edge, bodies of wrong types, edge numbers, broken Unicode, deep nesting, near-limit sizes and duplicate keys,
/// and header variants (Authorization, Idempotency-Key, Content-Type, X-Forwarded-For/-Proto, Range).
/// </summary>
public static class FuzzRequests
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "FUZZ"];

    private static readonly string[] QueryValues =
    [
        "", "0", "-0", "1", "-1", "5", "30", "50", "90", "91", "100", "101", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "1e30", "1e308", "1e309", "-1e308", "4.9e-324",
        "NaN", "nan", "Infinity", "-Infinity", "1.5", "0x10", "1_000", "%20", "5%20", "%00", "abc", "%E2%98%83", "%FF", "true", "%2B5",
        "%D9%A3", "5,5", "1e-400", "00000000000000000005",
    ];

    private static readonly string[] Junk =
    [
        "", "0", "x", "..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2F..%2Fetc%2Fpasswd", "%00", "a%00b", "%FF%FE", "%C0%AF", "%E2%80%AE",
        "%F0%9F%98%80", "~", "list", "null", "undefined", "%25", "%", "a%2Fb", "00000000-0000-0000-0000-000000000000", "'%20OR%201=1--",
        "$where", "%7B%7D", "CON", "aux.png",
    ];

    private static readonly string[] Ratios = ["1:1", "16:9", "9:16", "4:3", "21:9", "0:0", "1:0", "16x9"];
    private static readonly string[] Formats = ["png", "jpg", "jpeg", "webp", "gif", "PNG", "mp4"];

    private static readonly string[] GenerationFields =
    [
        "generation_prompt", "generation_ratio", "generation_output_format", "generation_output_number", "generation_input_file",
        "generation_input_file_last_content", "generation_duration", "generation_resolution", "generation_generate_audio",
        "generation_provider_order", "seed", "negative_prompt", "guidance", "safety_tolerance", "prompt_upsampling", "unknown_field", "",
    ];

    private static readonly string[] ImageFields =
        ["generation_prompt", "generation_ratio", "generation_output_format", "generation_output_number", "generation_provider_order"];

    private static readonly string[] VideoFields =
        ["generation_prompt", "generation_duration", "generation_duration", "generation_ratio", "generation_resolution", "generation_provider_order"];

    private static readonly string[] AdminFields =
        ["name", "plan", "preset", "scopes", "expires_at", "ip_allowlist", "amount", "description", "enabled", "thresholds", "url", "events"];

    /// <summary>JSON numbers at every edge, as their exact spelling.</summary>
    private static readonly string[] EdgeNumbers =
    [
        "0", "-0", "0.0", "-0.0", "1", "-1", "1.5", "4", "5", "10", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
        "18446744073709551616", "123456789012345678901234567890", "79228162514264337593543950336", "1e30", "1e308", "-1e308", "1e309",
        "1E+400", "-1e400", "4.9e-324", "1e-400", "0.1e-999", "1.0000000000000000000000000001", "0.0005", "1e2", "5e0", "1e-7",
    ];

    private static readonly string[] EdgeStrings =
    [
        "\"\"", "\" \"", "\"NaN\"", "\"Infinity\"", "\"-0\"", "\"1e308\"", "\"null\"", "\"true\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"",
        "\"\\ud83d\\ude00\"", "\"😀\"", "\"\\u202e\\u200b\"", "\"ﬀ\u0301\"", "\"\\\\\"", "\"\\\"\"", "\"%s%n\"", "\"<script>\"", "\"../../etc/passwd\"",
        "\"[[emulate server_error]] a seal\"", "\"[[emulate never_finish]]\"", "\"fastest\"", "\"replicate,fal\"", "\"bfl\"", "\"720p\"", "\"1080p\"",
        "\"full_access\"", "\"free\"", "\"enterprise\"", "\"2020-01-01T00:00:00Z\"", "\"2999-01-01T00:00:00Z\"", "\"http://127.0.0.1:9/x.png\"",
        "\"file:///etc/passwd\"", "\"generation.completed\"",
    ];

    public static Gen<FuzzRequest> Any(FuzzWorld world)
    {
        var route = Routes(world);
        return route.SelectMany(r => Method(r.Method), (r, method) => (r.Path, Method: method))
            .SelectMany(r => Headers(world, r.Path, r.Method), (r, headers) => (r.Path, r.Method, Headers: headers))
            .SelectMany(r => Body(r.Method, r.Path), (r, body) => new FuzzRequest(r.Method, r.Path, r.Headers, body.Bytes, body.ContentType));
    }

    // --- Routes ---

    private static Gen<(string Method, string Path)> Routes(FuzzWorld world)
    {
        var id = Gen.Frequency((3, Gen.OneOf(world.GenerationId)), (2, Gen.Guid.Select(g => g.ToString())), (4, Gen.OneOf(Junk)), (1, Long()));
        var account = Gen.Frequency((6, Gen.OneOf(world.AccountIds.ToArray())), (3, Gen.OneOf(Junk)), (1, Long()));
        var webhook = Gen.Frequency((6, Gen.OneOf(world.WebhookId)), (4, Gen.OneOf(Junk)));
        var model = Gen.Frequency((5, Gen.OneOf(world.ImageModels.ToArray())), (3, Gen.OneOf(world.VideoModels.ToArray())), (3, Gen.OneOf(Junk)),
            (1, Gen.OneOf("bfl/", "bfl/flux-schnell/extra", "BFL/FLUX-SCHNELL", "bfl//flux-schnell")), (1, Long()));
        var q = Gen.Frequency((8, Gen.OneOf(QueryValues)), (2, Gen.Int.Select(i => i.ToString())), (1, Long()));
        var s = Gen.Frequency((4, Gen.OneOf("720p", "1080p", "480p", "true", "false", "True", "1", "")), (2, Gen.OneOf(Junk)));
        var wh = $"/admin/v1/accounts/{{a}}/webhooks/{{w}}";
        (int, string, string)[] routes =
        [
            (3, "GET", "/v1/status"), (2, "GET", "/v1/user/account"), (2, "GET", "/v1/user/billing"), (3, "GET", "/v1/usage?days={q}"),
            (14, "POST", "/v1/generate/image/{m}"), (8, "POST", "/v1/generate/video/{m}"), (4, "GET", "/v1/content/list?limit={q}&offset={q}"),
            (4, "GET", "/v1/content/{id}"), (3, "DELETE", "/v1/content/{id}"), (3, "POST", "/v1/content/generation/cancel/{id}"),
            (1, "GET", "/v1/library/models"), (1, "GET", "/v1/library/providers"),
            (6, "GET", "/v1/estimate/{m}?count={q}&duration={q}&resolution={s}&audio={s}"), (2, "GET", "/v1/estimate/{m}?duration={q}"),
            (1, "GET", "/v1/health/inference/providers"), (1, "GET", "/v1/health/inference/models"), (1, "GET", "/v1/health/storage"),
            (1, "GET", "/v1/health/cache"), (8, "GET", "{file}"),
            (3, "POST", "/admin/v1/accounts"), (1, "GET", "/admin/v1/accounts"), (2, "POST", "/admin/v1/accounts/{a}/plan"),
            (3, "POST", "/admin/v1/accounts/{a}/keys"), (1, "GET", "/admin/v1/accounts/{a}/keys"), (1, "POST", "/admin/v1/keys/{id}/revoke"),
            (3, "POST", "/admin/v1/accounts/{a}/credits"), (2, "POST", "/admin/v1/accounts/{a}/credit-packs"),
            (1, "GET", "/admin/v1/accounts/{a}/alerts"), (2, "PUT", "/admin/v1/accounts/{a}/alerts"), (1, "GET", "/admin/v1/accounts/{a}/activity"),
            (1, "GET", "/admin/v1/accounts/{a}/ledger"), (2, "POST", "/admin/v1/accounts/{a}/webhooks"), (1, "GET", "/admin/v1/accounts/{a}/webhooks"),
            (1, "GET", wh), (1, "DELETE", wh), (1, "POST", wh + "/enable"), (1, "POST", wh + "/disable"), (1, "POST", wh + "/rotate"),
            (1, "POST", wh + "/test"), (1, "GET", wh + "/deliveries?limit={q}&offset={q}"), (1, "GET", wh + "/deliveries/{id}"),
            (1, "POST", wh + "/deliveries/{id}/replay"), (1, "GET", "/healthz"), (2, "GET", "/{j}"), (2, "GET", "/v1/{j}/{j}"),
            (1, "GET", "/admin/v1/{j}"), (1, "GET", "/files/{j}/{j}"), (1, "GET", "/v1/content/{j}/{j}"),
        ];
        var parts = new Dictionary<string, Gen<string>>
        {
            ["q"] = q, ["m"] = model, ["id"] = id, ["a"] = account, ["w"] = webhook, ["s"] = s, ["j"] = Gen.OneOf(Junk), ["file"] = FileLinks(world),
        };
        return Gen.Frequency(routes.Select(r => (r.Item1, (IGen<(string, string)>)Fill(r.Item3, parts).Select(path => (r.Item2, path)))).ToArray());
    }

    /// <summary>The real signed link of a stored output, and every way to bend it.</summary>
    private static Gen<string> FileLinks(FuzzWorld world)
    {
        var link = new Uri(world.FileLink);
        var path = link.AbsolutePath;
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var expires = query["expires"]!;
        var signature = query["signature"]!;
        var owner = path.Split('/')[2];
        var paths = Gen.OneOf(path.Replace("/0.", "/1."), path.Replace(".png", ".jpg"), $"/files/{owner}/../../../etc/passwd",
            $"/files/{owner}/%2e%2e%2f%2e%2e%2fbabysea.db", $"/files/{owner}/0.png%00.txt", "/files/x/0.png",
            $"/files/{owner}/-1.png", $"/files/{owner}/99999999999999999999.png", $"/files/{owner.ToUpperInvariant()}/0.png");
        var expiry = Gen.OneOf("99999999999999", "9223372036854775807", "9223372036854775808", "-1", "0", "", "1e10", "%20" + expires, expires + "0", "+" + expires);
        var sig = Gen.OneOf("", "aa", signature.ToUpperInvariant(), signature[..^1], signature + "0", new string('f', 64), new string('a', 5000), "%00", "%FF");
        // Mostly the real link with one thing bent, so the checks after the signature are reached too.
        return Gen.Frequency(
            (4, Gen.Const(world.FileLink[world.FileLink.IndexOf("/files/", StringComparison.Ordinal)..])),
            (1, paths.Select(p => $"{p}?expires={expires}&signature={signature}")),
            (1, expiry.Select(e => $"{path}?expires={e}&signature={signature}")),
            (1, sig.Select(g => $"{path}?expires={expires}&signature={g}")),
            (1, Gen.OneOf(path, $"{path}?expires={expires}", $"{path}?signature={signature}", $"{path}?expires={expires}&signature={signature}&expires=1")));
    }

    private static Gen<string> Method(string natural)
        => Gen.Frequency((7, Gen.Const(natural)), (3, Gen.OneOf(Methods)));

    // --- Headers ---

    private static Gen<IReadOnlyList<(string, string)>> Headers(FuzzWorld world, string path, string method)
    {
        var key = Gen.OneOf(world.ApiKeys.ToArray());
        var admin = path.StartsWith("/admin", StringComparison.Ordinal);
        var authorization = Gen.Frequency(
            (admin ? 12 : 40, key.Select(k => "Bearer " + k)),
            (admin ? 40 : 3, Gen.Const("Bearer " + world.AdminToken)),
            (4, Gen.OneOf("", "Bearer", "Bearer ", "Bearer  ", "bearer", "Basic dXNlcjpwYXNz", "Token abc", "Bearer bye_", "Bearer bye_!!!",
                "Bearer bsa_", "Bearer null", "Bearer " + new string('A', 6000))),
            (3, key.Select(k => "bearer   " + k + "  ")),
            (2, key.Select(k => "Bearer " + k[..^1])),
            (2, key.Select(k => "Bearer " + k + "," + k)),
            (2, Gen.Const("Bearer " + world.AdminToken + "x")),
            (6, Absent));
        var idempotency = Gen.Frequency(
            (5, Gen.Int[0, 20].Select(i => "fuzz-key-" + i)), // a small pool, so replays, reuse with other bodies and races happen
            (2, Gen.OneOf("", " ", "bad key!", "a/b", "%00", "key\twith\ttab", new string('k', 256), new string('k', 255), "..", ":", "-")),
            (8, Absent));
        var contentType = Gen.Frequency(
            (10, Gen.Const("application/json")),
            (2, Gen.OneOf("application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=utf-16", "application/xml", "*/*", "application/json; charset=nonsense")),
            (2, Absent));
        var forwardedFor = Gen.Frequency(
            (6, Absent),
            (3, Gen.Int[1, 40].Select(i => $"203.0.113.{i}")),
            (1, Gen.Int[1, 40].Select(i => $"2001:db8::{i:x}")),
            (2, Gen.OneOf("garbage", "1.2.3.4, 5.6.7.8", "unknown", "[::1]:443", "300.1.1.1", "", " , ,", "1.1.1.1:99999", "127.0.0.1",
                "::ffff:203.0.113.9", "fe80::1%eth0", string.Join(", ", Enumerable.Range(1, 60).Select(i => $"10.0.{i}.1")), "203.0.113.1;rm")));
        var proto = Gen.Frequency((8, Absent), (1, Gen.OneOf("https", "http", "gopher", "", "HTTPS, http", "ws")));
        var range = Gen.Frequency((9, Absent),
            (1, Gen.OneOf("bytes=0-10", "bytes=999999999-", "bytes=-0", "bytes=5-1", "bytes=0-0,0-0,0-0", "bytes=abc", "items=0-1", "bytes=-99999999999999999999")));
        return Gen.Select(authorization, idempotency, contentType, forwardedFor, proto, range, (auth, key, type, ff, fp, r) =>
        {
            var headers = new List<(string, string)>();
            if (auth is not null) headers.Add(("Authorization", auth));
            if (key is not null && method == "POST") headers.Add(("Idempotency-Key", key));
            if (type is not null) headers.Add(("Content-Type", type));
            if (ff is not null) headers.Add(("X-Forwarded-For", ff));
            if (fp is not null) headers.Add(("X-Forwarded-Proto", fp));
            if (r is not null) headers.Add(("Range", r));
            return (IReadOnlyList<(string, string)>)headers;
        });
    }

    // --- Bodies ---

    private static Gen<(byte[]? Bytes, string? ContentType)> Body(string method, string path)
    {
        // Fields a model of the route's type takes come first, so a fair share of bodies is valid up to admission.
        var json = path.StartsWith("/admin", StringComparison.Ordinal) ? Gen.Frequency((5, ObjectOf(AdminFields)), (1, ObjectOf(GenerationFields)))
            : path.StartsWith("/v1/generate/image", StringComparison.Ordinal) ? Gen.Frequency((6, ObjectOf(ImageFields)), (2, ObjectOf(GenerationFields)))
            : path.StartsWith("/v1/generate/video", StringComparison.Ordinal) ? Gen.Frequency((6, ObjectOf(VideoFields)), (2, ObjectOf(GenerationFields)))
            : Gen.Frequency((6, ObjectOf(GenerationFields)), (1, ObjectOf(AdminFields)));
        var bytes = Gen.Frequency(
            (40, json.Select(Utf8)),
            (8, Value(2).Select(Utf8)),
            (4, DeepNesting().Select(Utf8)),
            (6, InvalidUtf8()),
            (5, LoneSurrogates().Select(Utf8)),
            (5, DuplicateKeys().Select(Utf8)),
            (5, Garbage()),
            (2, NearLimit()),
            (5, Gen.Const(Array.Empty<byte>())));
        var sendsBody = method is "POST" or "PUT" or "PATCH" ? 9 : 1;
        return Gen.Frequency(
            (sendsBody, bytes.Select(b => ((byte[]?)b, (string?)null))),
            (10 - sendsBody, Gen.Const(((byte[]?)null, (string?)null))));
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A JSON value, any type, at most <paramref name="depth"/> levels deep.</summary>
    private static Gen<string> Value(int depth)
    {
        var scalar = Gen.Frequency(
            (5, Gen.OneOf(EdgeNumbers)), (5, Gen.OneOf(EdgeStrings)), (2, Gen.OneOf("true", "false", "null")),
            (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "0")),
            (1, Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.String[0, 40].Select(s => System.Text.Json.JsonSerializer.Serialize(s, Support.TestJson.Default.String))));
        if (depth == 0) return scalar;
        var inner = Value(depth - 1);
        return Gen.Frequency(
            (8, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Gen.OneOf(GenerationFields.Concat(AdminFields).ToArray()), inner, (k, v) => $"{{\"{k}\":{v}}}")));
    }

    /// <summary>
    /// An object of the route's fields, most of them plausible and some junk, now and then an unknown one, so that
    /// bodies get past the first check and reach pricing, admission and the ledger as often as they fail early.
    /// </summary>
    private static Gen<string> ObjectOf(string[] fields)
    {
        var known = fields.Where(f => f is not ("" or "unknown_field" or "seed" or "negative_prompt" or "guidance" or "safety_tolerance" or "prompt_upsampling")).ToArray();
        var member = Gen.Frequency(
            (10, Gen.Select(Gen.OneOf(known), Gen.Int[0, 9], Value(2), (name, roll, junk) => (name, roll < 7 ? Plausible(name, junk) : junk))),
            (1, Gen.Select(Gen.OneOf(fields), Value(2), (name, junk) => (name, junk))));
        var lead = fields.Contains("generation_prompt") ? "generation_prompt" : "name";
        return Gen.Select(member.Array[0, 4], Gen.Int[0, 9], Value(1), (members, roll, junk) =>
        {
            var all = roll < 8 ? members.Prepend((lead, Plausible(lead, junk))) : members;
            return "{" + string.Join(",", all.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}";
        });
    }

    /// <summary>A value of the right shape for the field (so requests get past the first check), otherwise the junk one.</summary>
    private static string Plausible(string field, string junk) => field switch
    {
        "generation_prompt" => "\"a harbour seal on pack ice\"",
        "generation_ratio" => $"\"{Ratios[junk.Length % Ratios.Length]}\"",
        "generation_output_format" => $"\"{Formats[junk.Length % Formats.Length]}\"",
        "generation_output_number" => (junk.Length % 5).ToString(),
        "generation_duration" => (junk.Length % 3) switch { 0 => "5", 1 => "10", _ => "8" },
        "generation_resolution" => junk.Length % 2 == 0 ? "\"720p\"" : "\"1080p\"",
        "generation_generate_audio" => junk.Length % 2 == 0 ? "true" : "false",
        "generation_provider_order" => junk.Length % 2 == 0 ? "\"fastest\"" : "\"replicate,fal\"",
        "generation_input_file" => "[\"http://127.0.0.1:9/a.png\"]",
        "generation_input_file_last_content" => "\"http://127.0.0.1:9/b.png\"",
        "name" => "\"fuzz\"",
        "plan" => junk.Length % 2 == 0 ? "\"pro\"" : "\"free\"",
        "preset" => "\"read_only\"",
        "scopes" => "[\"generation:read\",\"account:read\"]",
        "expires_at" => "\"2999-01-01T00:00:00Z\"",
        "ip_allowlist" => "[\"203.0.113.7\",\"::1\"]",
        "amount" => junk.Length % 2 == 0 ? "25" : "0.001",
        "thresholds" => "[0.5,2]",
        "enabled" => "true",
        "url" => "\"http://127.0.0.1:9/hook\"",
        "events" => "[\"generation.completed\"]",
        _ => junk,
    };

    private static Gen<string> DeepNesting()
        => Gen.Select(Gen.Int[20, 2000], Gen.Bool, (n, arrays) => arrays
            ? new string('[', n) + new string(']', n)
            : string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n));

    /// <summary>Bytes that are not UTF-8 (lone continuation, overlong, encoded surrogate, 5-byte form, truncated) in values, names or bare.</summary>
    private static Gen<byte[]> InvalidUtf8()
    {
        byte[][] bad = [[0xFF], [0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]];
        return Gen.Select(Gen.OneOf(bad), Gen.Int[0, 3], (b, where) => where switch
        {
            0 => Concat("{\"generation_prompt\":\"a ", b, " seal\"}"),
            1 => Concat("{\"", b, "\":1}"),
            2 => Concat("{\"name\":\"", b, "\",\"plan\":\"pro\"}"),
            _ => Concat("{\"generation_prompt\":", b, "}"),
        });
    }

    private static byte[] Concat(string before, byte[] middle, string after) => [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];

    private static Gen<string> LoneSurrogates()
        => Gen.Select(Gen.Int[0xD800, 0xDFFF], Gen.Int[0, 2], (u, where) => where switch
        {
            0 => $"{{\"generation_prompt\":\"a \\u{u:x4} seal\"}}",
            1 => $"{{\"\\u{u:X4}\":\"x\"}}",
            _ => $"{{\"generation_prompt\":\"x\",\"generation_ratio\":\"\\u{u:x4}\",\"name\":\"\\u{u:x4}\"}}",
        });

    private static Gen<string> DuplicateKeys()
        => Gen.Select(Gen.OneOf(GenerationFields.Concat(AdminFields).ToArray()), Value(1), Value(1),
            (k, a, b) => $"{{\"generation_prompt\":\"a seal\",\"{k}\":{a},\"{k}\":{b},\"name\":\"n\",\"name\":\"m\"}}");

    private static Gen<byte[]> Garbage()
        => Gen.Frequency(
            (3, Gen.OneOf("{", "}", "[", "{\"generation_prompt\":", "{\"a\":1,}", "{'a':1}", "nul", "01", "1 2", "\"unterminated", "{\"a\":1}x",
                "\uFEFF{\"generation_prompt\":\"x\"}", "{\"generation_prompt\":\"x\"}\u0000", "/* c */{}", "NaN", "-", "[1,]").Select(Utf8)),
            (1, Gen.Byte.Array[1, 64]));

    /// <summary>A prompt just under, at and over the 100 KB body limit.</summary>
    private static Gen<byte[]> NearLimit()
        => Gen.Int[-64, 64].Select(delta =>
        {
            const string head = "{\"generation_prompt\":\"", tail = "\"}";
            var filler = 100 * 1024 - head.Length - tail.Length + delta;
            return Utf8(head + new string('s', filler) + tail);
        });

    /// <summary>The header is not sent.</summary>
    private static readonly Gen<string> Absent = Gen.Const((string)null!);

    private static Gen<string> Long() => Gen.Int[1000, 6000].Select(n => new string('z', n));

    /// <summary>A template with {name} holes filled from the named generators.</summary>
    private static Gen<string> Fill(string template, IReadOnlyDictionary<string, Gen<string>> parts)
    {
        if (template == "{file}") return parts["file"];
        var result = Gen.Const("");
        var rest = template;
        while (rest.Length > 0)
        {
            var open = rest.IndexOf('{');
            if (open < 0)
            {
                var text = rest;
                result = result.Select(prefix => prefix + text);
                break;
            }
            var literal = rest[..open];
            var close = rest.IndexOf('}', open);
            var hole = parts[rest[(open + 1)..close]];
            result = result.SelectMany(prefix => hole.Select(v => prefix + literal + v));
            rest = rest[(close + 1)..];
        }
        return result;
    }
}
