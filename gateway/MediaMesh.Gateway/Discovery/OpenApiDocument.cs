using System.Text.Json.Nodes;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace MediaMesh.Gateway.Discovery;

/// <summary>
/// The OpenAPI 3 document of the REST surface (the RPCs annotated with google.api.http, served by
/// JSON transcoding in the services), built from the same contract descriptors the gateway routes
/// by, so it cannot drift from the protos. Served at <see cref="Path"/> without a key.
/// </summary>
public static class OpenApiDocument
{
    public const string Path = "/openapi/v1.json";

    private static readonly Lazy<string> Document = new(() => Build().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Results.Text(Document.Value, "application/json"));
        return endpoints;
    }

    public static JsonObject Build()
    {
        var schemas = new JsonObject();
        var paths = new JsonObject();
        foreach (var (service, _) in PublicServices.All)
        {
            foreach (var method in service.Methods)
            {
                var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
                if (rule is null || method.IsClientStreaming || method.IsServerStreaming)
                {
                    continue;
                }

                var (verb, template) = rule.PatternCase switch
                {
                    HttpRule.PatternOneofCase.Get => ("get", rule.Get),
                    HttpRule.PatternOneofCase.Post => ("post", rule.Post),
                    HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
                    HttpRule.PatternOneofCase.Put => ("put", rule.Put),
                    HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
                    _ => (string.Empty, string.Empty),
                };
                if (verb.Length == 0)
                {
                    continue;
                }

                var pathItem = paths[template] as JsonObject ?? new JsonObject();
                paths[template] = pathItem;
                pathItem[verb] = Operation(service, method, rule, template, schemas);
            }
        }

        schemas["google.rpc.Status"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "integer", ["description"] = "The canonical gRPC status code." },
                ["message"] = new JsonObject { ["type"] = "string" },
                ["details"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
            },
        };

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = "MediaMesh REST API",
                ["version"] = "v1",
                ["description"] = "JSON transcoding of the MediaMesh gRPC contracts. Authenticate with 'Authorization: Bearer <API key>'.",
            },
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject { ["apiKey"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" } },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }),
            ["paths"] = paths,
        };
    }

    private static JsonObject Operation(ServiceDescriptor service, MethodDescriptor method, HttpRule rule, string template, JsonObject schemas)
    {
        var parameters = new JsonArray();
        var pathFields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in template.Split('/'))
        {
            var open = segment.IndexOf('{', StringComparison.Ordinal);
            var close = segment.IndexOf('}', StringComparison.Ordinal);
            if (open >= 0 && close > open)
            {
                var field = segment[(open + 1)..close];
                pathFields.Add(field);
                parameters.Add(new JsonObject { ["name"] = field, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
            }
        }

        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}",
            ["tags"] = new JsonArray(service.FullName),
            ["summary"] = $"{service.FullName}.{method.Name}",
        };

        if (rule.Body == "*")
        {
            operation["requestBody"] = Body(Ref(method.InputType, schemas));
        }
        else if (rule.Body.Length > 0 && method.InputType.FindFieldByName(rule.Body) is { } bodyField)
        {
            operation["requestBody"] = Body(FieldSchema(bodyField, schemas));
        }
        else
        {
            foreach (var field in method.InputType.Fields.InFieldNumberOrder())
            {
                if (!pathFields.Contains(field.Name) && field.FieldType != FieldType.Message)
                {
                    parameters.Add(new JsonObject { ["name"] = field.JsonName, ["in"] = "query", ["schema"] = FieldSchema(field, schemas) });
                }
            }
        }

        operation["parameters"] = parameters;
        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "OK", ["content"] = Json(Ref(method.OutputType, schemas)) },
            ["default"] = new JsonObject { ["description"] = "A refusal (gRPC status as JSON)", ["content"] = Json(new JsonObject { ["$ref"] = "#/components/schemas/google.rpc.Status" }) },
        };
        return operation;
    }

    private static JsonObject Body(JsonNode schema) => new() { ["required"] = true, ["content"] = Json(schema) };

    private static JsonObject Json(JsonNode schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Ref(MessageDescriptor message, JsonObject schemas)
    {
        if (WellKnown(message) is { } known)
        {
            return known;
        }

        if (!schemas.ContainsKey(message.FullName))
        {
            schemas[message.FullName] = new JsonObject(); // placeholder against recursion
            var properties = new JsonObject();
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                properties[field.JsonName] = FieldSchema(field, schemas);
            }

            schemas[message.FullName] = new JsonObject { ["type"] = "object", ["properties"] = properties };
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{message.FullName}" };
    }

    private static JsonObject FieldSchema(FieldDescriptor field, JsonObject schemas)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByName("value");
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(value, schemas) };
        }

        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = Single(field, schemas) } : Single(field, schemas);
    }

    private static JsonObject Single(FieldDescriptor field, JsonObject schemas) => field.FieldType switch
    {
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte" },
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.UInt32 or FieldType.Fixed32
            => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 or FieldType.UInt64 or FieldType.Fixed64
            => new JsonObject { ["type"] = "string", ["format"] = "int64" },
        FieldType.Double or FieldType.Float => new JsonObject { ["type"] = "number" },
        FieldType.Enum => new JsonObject
        {
            ["type"] = "string",
            ["enum"] = new JsonArray([.. field.EnumType.Values.Select(v => (JsonNode)JsonValue.Create(v.Name)!)]),
        },
        _ => Ref(field.MessageType, schemas),
    };

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["example"] = "3.5s" },
        "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["example"] = "names,website" },
        "google.protobuf.Struct" or "google.protobuf.Any" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Value" => new JsonObject(),
        "google.protobuf.StringValue" => new JsonObject { ["type"] = "string", ["nullable"] = true },
        "google.protobuf.BoolValue" => new JsonObject { ["type"] = "boolean", ["nullable"] = true },
        "google.protobuf.Int32Value" => new JsonObject { ["type"] = "integer", ["nullable"] = true },
        "google.protobuf.Int64Value" => new JsonObject { ["type"] = "string", ["format"] = "int64", ["nullable"] = true },
        "google.protobuf.DoubleValue" or "google.protobuf.FloatValue" => new JsonObject { ["type"] = "number", ["nullable"] = true },
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        _ => null,
    };
}
