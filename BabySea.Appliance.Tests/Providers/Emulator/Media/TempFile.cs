namespace BabySea.Appliance.Tests.Providers.Emulator.Media;

/// <summary>A uniquely named file holding the given bytes, deleted on dispose, for tools that read paths.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[] contents, string extension)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"babysea-media-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(Path, contents);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
