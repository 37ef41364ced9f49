using BabySea.Appliance.Hosting;

namespace BabySea.Appliance.Storage;

/// <summary>
/// The secrets every node serving one appliance's data must agree on (the admin token, the key that signs output links,
/// the key of emulated job ids): kept beside the data, so nodes sharing a database share them and a node that takes
/// over another's work can check its links and resume its emulated jobs. Read once at start.
/// </summary>
public interface ISharedSecrets
{
    /// <summary>
    /// Reads the secret <paramref name="name"/>, or creates it with <paramref name="create"/> when there is none (the first
    /// node's stands when several start at once); <c>Created</c> says which. One that is shorter than
    /// <paramref name="minLength"/> stops start-up.
    /// </summary>
    (string Value, bool Created) ReadOrCreate(string name, string description, int minLength, Func<string> create);

    /// <summary>Where the secret is kept, for the one line that shows a new one.</summary>
    string Where(string name);
}

/// <summary>The embedded engine's secrets: files in the data folder, owner-readable only (<see cref="Secrets"/>).</summary>
public sealed class DataFolderSecrets(string dataDir) : ISharedSecrets
{
    public (string Value, bool Created) ReadOrCreate(string name, string description, int minLength, Func<string> create)
        => Secrets.ReadOrCreate(Where(name), description, minLength, create);

    public string Where(string name) => Path.Combine(dataDir, name);
}
