using Verification.Loading.Datasets;

namespace Verification.Tests.Loading;

/// <summary>The Parquet text reader: values in order, and every bad file a clear error naming it.</summary>
public sealed class ParquetTextTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("verification-parquet-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Reads_back_what_was_written_in_order_unicode_included()
    {
        var values = new[] { "first", "", "ünïcödé — text", new string('x', 100_000) };
        ParquetText.Write(PathOf("a.parquet"), "text", values);
        ParquetText.Read(PathOf("a.parquet"), "text").Should().Equal(values);
    }

    [Fact]
    public void A_missing_column_names_the_file_and_the_columns_it_has()
    {
        ParquetText.Write(PathOf("b.parquet"), "content", new[] { "x" });
        var read = () => ParquetText.Read(PathOf("b.parquet"), "text").ToList();
        read.Should().Throw<InvalidDataException>().WithMessage($"{PathOf("b.parquet")}: no column 'text' (columns: content)");
    }

    [Fact]
    public async Task A_column_of_numbers_is_not_text()
    {
        var field = new Parquet.Schema.DataField<int>("text");
        await using (var stream = File.Create(PathOf("n.parquet")))
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(field), stream))
        using (var group = writer.CreateRowGroup())
            await group.WriteAsync<int>(field, new ReadOnlyMemory<int>(new[] { 1, 2, 3 }));
        var read = () => ParquetText.Read(PathOf("n.parquet"), "text").ToList();
        read.Should().Throw<InvalidDataException>().WithMessage($"{PathOf("n.parquet")}: column 'text' holds Int32, not text");
    }

    [Theory]
    [InlineData("not parquet at all, just text")]
    [InlineData("")]
    public void A_file_that_is_not_parquet_is_an_error_naming_it(string content)
    {
        File.WriteAllText(PathOf("c.parquet"), content);
        var read = () => ParquetText.Read(PathOf("c.parquet"), "text").ToList();
        read.Should().Throw<InvalidDataException>().WithMessage($"{PathOf("c.parquet")}: not a readable Parquet file*");
    }

    [Fact]
    public void A_truncated_file_is_an_error_naming_it()
    {
        ParquetText.Write(PathOf("d.parquet"), "text", Enumerable.Range(0, 200).Select(i => $"document {i}").ToList());
        var bytes = File.ReadAllBytes(PathOf("d.parquet"));
        File.WriteAllBytes(PathOf("d.parquet"), bytes[..(bytes.Length / 2)]);
        var read = () => ParquetText.Read(PathOf("d.parquet"), "text").ToList();
        read.Should().Throw<InvalidDataException>().WithMessage($"{PathOf("d.parquet")}:*");
    }

    [Fact]
    public void An_absent_file_is_an_error_naming_it()
    {
        var read = () => ParquetText.Read(PathOf("none.parquet"), "text").ToList();
        read.Should().Throw<InvalidDataException>().WithMessage($"{PathOf("none.parquet")}: dataset file not found");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
