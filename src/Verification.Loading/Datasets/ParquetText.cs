using Parquet;
using Parquet.Schema;

namespace Verification.Loading.Datasets;

/// <summary>
/// The text column of a Hugging Face dataset kept as Parquet (Pile-10k's `text`), read row group by row group in file
/// order, so a reader that needs the first few documents reads one row group, not the whole file. A file that is not
/// Parquet, lacks the column or holds it as another type is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class ParquetText
{
    /// <summary>More rows than this in one row group is refused rather than allocated (Pile-10k has 10,000 in one).</summary>
    public const long MaxRowsPerGroup = 10_000_000;

    /// <summary>The column's values in file order (null values skipped).</summary>
    public static IEnumerable<string> Read(string path, string column)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: dataset file not found");
        // Parquet.Net is asynchronous; run it off any synchronization context so a blocking caller cannot deadlock it.
        var reader = Run(path, () => ParquetReader.CreateAsync(path));
        try
        {
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == column)
                        ?? throw new InvalidDataException($"{path}: no column '{column}' (columns: {string.Join(", ", reader.Schema.GetDataFields().Select(f => f.Name))})");
            // Parquet.Net 6 maps a UTF-8 string column to ReadOnlyMemory<char> (older files and writers: string).
            if (!(field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>)) || field.IsArray)
                throw new InvalidDataException($"{path}: column '{column}' holds {field.ClrType.Name}{(field.IsArray ? " lists" : "")}, not text");
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                string?[] values;
                using (var group = reader.OpenRowGroupReader(g))
                {
                    if (group.RowCount < 0 || group.RowCount > MaxRowsPerGroup)
                        throw new InvalidDataException($"{path}: row group {g} declares {group.RowCount} rows (at most {MaxRowsPerGroup} are read)");
                    var buffer = new string?[group.RowCount];
                    Run(path, async () => { await group.ReadAsync(field, buffer.AsMemory(), null); return true; });
                    values = buffer;
                }
                foreach (var v in values)
                    if (v is not null) yield return v;
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static T Run<T>(string path, Func<Task<T>> step)
    {
        try { return Task.Run(step).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.GetType().Name}: {e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>Writes one string column (for tests and tools that need a small dataset in the hub's format).</summary>
    public static void Write(string path, string column, IReadOnlyList<string> values)
    {
        var field = new DataField<string>(column);
        Task.Run(async () =>
        {
            await using var stream = File.Create(path);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(field, values.ToList(), null);
        }).GetAwaiter().GetResult();
    }
}
