using System.Text;
using Google.Api;
using Google.Protobuf;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>Picks, for one call, a method, a transport and a mutation, and sends it.</summary>
public sealed class FuzzRequests(Random random, RawCaller caller, IReadOnlyList<ContractMethod> methods, IReadOnlyList<string> apiKeys, IReadOnlyList<string> knownIds)
{
    private static readonly string[] JsonDamage =
    [
        "{\"pageSize\": \"many\"}",
        "[1, 2, 3]",
        "{\"pageSize\": 1e999}",
        "not json at all",
        "{\"type\": \"NOT_A_TYPE\"}",
        "{\"id\": {\"nested\": true}}",
        "{\"headlines\": [{\"language\": \"\\ud800\", \"text\": 5}]}",
        "{",
        "",
        "null",
    ];

    private static readonly string[] Queries =
        ["", "", "?pageSize=-5", "?pageSize=abc", "?pageSize=2147483648", "?pageToken=%FF%FE", "?unknownField=1", "?filter.language=zz&filter.type=7"];

    private readonly MessageGenerator _messages = new(random, knownIds);
    private readonly WireMutator _mutator = new(random);

    public Task<FuzzCall> NextAsync(CancellationToken ct)
    {
        var method = methods[random.Next(methods.Count)];
        var key = apiKeys[random.Next(apiKeys.Count)];
        var roll = random.NextDouble();
        if (method.Rest is not null && roll < 0.15)
        {
            return RestAsync(method, key, ct);
        }

        var transport = roll < 0.35 ? FuzzTransport.GrpcWeb : FuzzTransport.Grpc;
        var (message, framing, headers, mutation) = Body(method);
        var call = new FuzzCall(transport, method.FullName, mutation);
        var body = WireMutator.Frame(message, framing);
        var streams = method.Descriptor.IsServerStreaming;
        return transport == FuzzTransport.Grpc
            ? caller.GrpcAsync(call, method.Path, body, key, headers, framing, streams, ct)
            : caller.GrpcWebAsync(call, method.Path, body, key, headers, framing, streams, ct);
    }

    private (byte[] Message, Framing Framing, HeaderMutation Headers, string Mutation) Body(ContractMethod method)
    {
        var input = method.Descriptor.InputType;
        var roll = random.Next(100);
        if (roll < 35)
        {
            return (_messages.Generate(input, hostile: false), Framing.Normal, HeaderMutation.None, "plausible fields");
        }

        if (roll < 65)
        {
            return (_messages.Generate(input, hostile: true), Framing.Normal, HeaderMutation.None, "hostile fields");
        }

        if (roll < 80)
        {
            return (_mutator.MutateBytes(_messages.Generate(input, hostile: false)), Framing.Normal, HeaderMutation.None, "damaged protobuf bytes");
        }

        if (roll < 92)
        {
            var framing = (Framing)random.Next(1, Enum.GetValues<Framing>().Length);
            return (_messages.Generate(input, hostile: false), framing, HeaderMutation.None, "framing " + framing);
        }

        var headers = (HeaderMutation)random.Next(1, Enum.GetValues<HeaderMutation>().Length);
        var label = headers == HeaderMutation.WrongContentType ? "headers wrong content-type" : "headers " + headers;
        return (_messages.Generate(input, hostile: false), Framing.Normal, headers, label);
    }

    private Task<FuzzCall> RestAsync(ContractMethod method, string key, CancellationToken ct)
    {
        var rule = method.Rest!;
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
            HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
            HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
            HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
            HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
            _ => (new HttpMethod(rule.Custom.Kind), rule.Custom.Path),
        };
        var path = FillTemplate(template) + (verb == HttpMethod.Get ? Queries[random.Next(Queries.Length)] : string.Empty);
        string? json = null;
        var mutation = "REST";
        if (!string.IsNullOrEmpty(rule.Body))
        {
            if (random.Next(3) == 0)
            {
                json = JsonDamage[random.Next(JsonDamage.Length)];
                mutation = "REST damaged JSON";
            }
            else
            {
                json = PlausibleJson(method);
                mutation = "REST plausible JSON";
            }
        }

        var headers = random.Next(12) == 0 ? HeaderMutation.NoKey : HeaderMutation.None;
        return caller.RestAsync(new FuzzCall(FuzzTransport.Rest, method.FullName, mutation), verb, path, json, key, headers, ct);
    }

    /// <summary>"/v1/offers/{id}" or "/v1/{name=offers/*}" with a known id, a hostile segment or an escaped oddity in each variable.</summary>
    private string FillTemplate(string template)
    {
        var result = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                result.Append(template[i]);
                continue;
            }

            var end = template.IndexOf('}', i);
            var roll = random.Next(10);
            result.Append(roll switch
            {
                < 6 when knownIds.Count > 0 => Uri.EscapeDataString(knownIds[random.Next(knownIds.Count)]),
                6 => "-",
                7 => "%FF%FE",
                8 => Uri.EscapeDataString(new string('z', 3000)),
                _ => "..%2F..%2Fetc",
            });
            i = end;
        }

        return result.ToString();
    }

    private string PlausibleJson(ContractMethod method)
    {
        try
        {
            var message = method.Descriptor.InputType.Parser.ParseFrom(_messages.Generate(method.Descriptor.InputType, hostile: false));
            return JsonFormatter.Default.Format(message);
        }
        catch (InvalidProtocolBufferException)
        {
            return "{}";
        }
        catch (InvalidOperationException)
        {
            // NaN or an out-of-range timestamp cannot be written as JSON.
            return "{}";
        }
        catch (ArgumentException)
        {
            return "{}";
        }
    }
}
