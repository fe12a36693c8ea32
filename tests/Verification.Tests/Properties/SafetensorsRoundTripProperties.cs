using CsCheck;
using Verification.Loading.Safetensors;
using Verification.Tensors;
using Verification.Tests.Loading.TestSupport;

namespace Verification.Tests.Properties;

/// <summary>Property: any float32 state dict written by SafetensorsWriter reads back the same, bit for bit, in order.</summary>
public sealed class SafetensorsRoundTripProperties
{
    private sealed record Dict(List<(string Name, Tensor T)> Tensors, Dictionary<string, string> Metadata);

    /// <summary>Any float32 bit pattern: NaNs with payloads, infinities, subnormals and -0 included.</summary>
    private static readonly Gen<float> AnyFloat = Gen.Frequency(
        (4, Gen.Int.Uniform.Select(BitConverter.Int32BitsToSingle)),
        (1, Gen.OneOf(float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, float.MinValue)));

    private static readonly Gen<Tensor> AnyTensor =
        Gen.Int[0, 4].SelectMany(rank => Gen.Int[0, 5].Array[rank, rank]).SelectMany(shape =>
            AnyFloat.Array[(int)Tensor.ElementCount(shape), (int)Tensor.ElementCount(shape)].Select(data => new Tensor(data, shape)));

    private static readonly Gen<Dict> AnyDict =
        Gen.Select(TextGen.Name.Array[1, 6], AnyTensor.Array[6, 6], Gen.Dictionary(TextGen.Name, TextGen.Text(0, 6))[0, 3],
            (names, tensors, metadata) =>
            {
                var unique = names.Where(n => n != "__metadata__").Distinct(StringComparer.Ordinal).ToList();
                return new Dict(unique.Select((n, i) => (n, tensors[i])).ToList(), metadata);
            });

    [Fact]
    public void Any_float32_state_dict_reads_back_bit_for_bit()
    {
        using var tmp = new TempFiles();
        var path = Path.Combine(tmp.Dir, "model.safetensors");
        SeededProperty.ForAll(AnyDict, 300, 16_000, d =>
        {
            SafetensorsWriter.Write(path, d.Tensors, d.Metadata);
            var read = SafetensorsReader.ReadWithMetadata(path);
            read.Tensors.Keys.Should().Equal(d.Tensors.Select(t => t.Name));
            foreach (var (name, t) in d.Tensors)
            {
                read.Tensors[name].Shape.Should().Equal(t.Shape, name);
                read.Tensors[name].Data.Select(BitConverter.SingleToInt32Bits).Should().Equal(t.Data.Select(BitConverter.SingleToInt32Bits), name);
            }
            if (d.Metadata.Count > 0) read.Metadata.Should().BeEquivalentTo(d.Metadata);
        }, d => string.Join(", ", d.Tensors.Select(t => $"{System.Text.Json.JsonSerializer.Serialize(t.Name)} {t.T.ShapeString}")) + $" + {d.Metadata.Count} metadata");
    }
}
