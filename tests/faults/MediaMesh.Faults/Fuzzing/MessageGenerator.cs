using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MediaMesh.Faults.Fuzzing;

/// <summary>
/// Writes random protobuf messages of a given type straight from its descriptor, on the wire: every
/// field type gets boundary and hostile values (extreme numbers, NaN, unknown enum numbers, empty,
/// huge and invalid UTF-8 strings, long repeated fields, deep nesting, unknown fields). String fields
/// often carry an id that exists, so calls get past the look-up into the rules behind it.
/// </summary>
public sealed class MessageGenerator(Random random, IReadOnlyList<string> knownIds)
{
    private const int MaxDepth = 4;

    private static readonly long[] Numbers =
        [0, 1, 2, 3, -1, 10, 100, 1000, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 253402300799, -62135596801, 1_000_000_000];

    private static readonly double[] Reals =
        [0, -0.0, 1, -1, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon, 1e-300];

    private static readonly byte[][] HostileStrings =
    [
        [],
        [0xFF, 0xFE, 0xFD],
        [0xC0, 0x80],
        [0xED, 0xA0, 0x80],
        [0x61, 0x00, 0x62],
        Encoding.UTF8.GetBytes("../../etc/passwd"),
        Encoding.UTF8.GetBytes("'; DROP TABLE offers; --"),
        Encoding.UTF8.GetBytes("%00%ff{}<script>"),
        Encoding.UTF8.GetBytes("\u202E\u0000\r\n\t"),
        Encoding.UTF8.GetBytes("zz-ZZ"),
        Encoding.UTF8.GetBytes("*"),
        Encoding.UTF8.GetBytes("-"),
        Encoding.UTF8.GetBytes("2026-13-45T99:99:99Z"),
        Encoding.UTF8.GetBytes("sha256:" + new string('g', 64)),
    ];

    private static readonly byte[][] PlainStrings =
    [
        Encoding.UTF8.GetBytes("en"),
        Encoding.UTF8.GetBytes("sw"),
        Encoding.UTF8.GetBytes("KE"),
        Encoding.UTF8.GetBytes("Floods in the Rift Valley"),
        Encoding.UTF8.GetBytes("Séance à Dakar — العربية 中文"),
        Encoding.UTF8.GetBytes("video/mp4"),
        Encoding.UTF8.GetBytes("https://example.org/a"),
    ];

    /// <summary>A message of <paramref name="type"/>; hostile ones lean on the extreme values and sizes.</summary>
    public byte[] Generate(MessageDescriptor type, bool hostile)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        WriteMessage(output, type, hostile, depth: 0);
        output.Flush();
        return buffer.ToArray();
    }

    private void WriteMessage(CodedOutputStream output, MessageDescriptor type, bool hostile, int depth)
    {
        foreach (var field in type.Fields.InDeclarationOrder())
        {
            if (random.NextDouble() < (hostile ? 0.4 : 0.3))
            {
                continue;
            }

            var count = field.IsRepeated || field.IsMap ? RepeatCount(hostile, depth) : 1;
            for (var i = 0; i < count; i++)
            {
                WriteField(output, field, hostile, depth);
            }
        }

        if (hostile && random.Next(8) == 0)
        {
            // A field number the type does not have: parsers must skip it.
            output.WriteTag(random.Next(1000, 536_870_911), WireFormat.WireType.Varint);
            output.WriteUInt64((ulong)random.NextInt64());
        }
    }

    private int RepeatCount(bool hostile, int depth)
    {
        var roll = random.Next(20);
        return roll switch
        {
            0 when hostile && depth == 0 => 10_000,
            1 when hostile => 300,
            < 8 => 0,
            < 16 => 1,
            _ => random.Next(2, 6),
        };
    }

    private void WriteField(CodedOutputStream output, FieldDescriptor field, bool hostile, int depth)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.Double:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteDouble(Pick(Reals));
                break;
            case FieldType.Float:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFloat((float)Pick(Reals));
                break;
            case FieldType.Fixed64:
            case FieldType.SFixed64:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteFixed64((ulong)Pick(Numbers));
                break;
            case FieldType.Fixed32:
            case FieldType.SFixed32:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFixed32((uint)Pick(Numbers));
                break;
            case FieldType.SInt32:
            case FieldType.SInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt64(Pick(Numbers));
                break;
            case FieldType.Bool:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteUInt64(hostile && random.Next(4) == 0 ? 7UL : (ulong)random.Next(2));
                break;
            case FieldType.Enum:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt32(EnumValue(field.EnumType, hostile));
                break;
            case FieldType.Int32:
            case FieldType.Int64:
            case FieldType.UInt32:
            case FieldType.UInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt64(hostile || random.Next(3) == 0 ? Pick(Numbers) : random.Next(0, 200));
                break;
            case FieldType.String:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                var text = StringValue(field, hostile);
                output.WriteBytes(ByteString.CopyFrom(text));
                break;
            case FieldType.Bytes:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(RandomBytes(hostile && random.Next(4) == 0 ? 200_000 : random.Next(0, 64))));
                break;
            case FieldType.Message:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                var nested = depth >= MaxDepth ? [] : Nested(field.MessageType, hostile, depth + 1);
                output.WriteBytes(ByteString.CopyFrom(nested));
                break;
            default:
                break;
        }
    }

    private byte[] Nested(MessageDescriptor type, bool hostile, int depth)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        WriteMessage(output, type, hostile, depth);
        output.Flush();
        return buffer.ToArray();
    }

    private int EnumValue(EnumDescriptor type, bool hostile)
    {
        if (hostile && random.Next(3) == 0)
        {
            return Pick(new[] { 99, -1, 1_000_000, int.MaxValue, int.MinValue });
        }

        return type.Values[random.Next(type.Values.Count)].Number;
    }

    private byte[] StringValue(FieldDescriptor field, bool hostile)
    {
        var idLike = field.Name.EndsWith("id", StringComparison.Ordinal) || field.Name.EndsWith("ids", StringComparison.Ordinal)
            || field.Name is "name" or "parent" or "etag" or "page_token" or "cursor";
        var roll = random.Next(10);
        if (idLike && knownIds.Count > 0 && roll < (hostile ? 4 : 7))
        {
            return Encoding.UTF8.GetBytes(knownIds[random.Next(knownIds.Count)]);
        }

        if (hostile && roll == 9)
        {
            return Encoding.UTF8.GetBytes(new string('a', random.Next(2) == 0 ? 100_000 : 3_000));
        }

        return hostile || roll < 3 ? Pick(HostileStrings) : Pick(PlainStrings);
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(T[] values) => values[random.Next(values.Length)];
}
