namespace BabySea.Appliance.Storage;

/// <summary>Another appliance process holds the data folder.</summary>
public sealed class DataFolderLockedException(string dataDir)
    : Exception($"The data folder '{dataDir}' is in use by another BabySea Appliance process. Stop it first, or point BABYSEA_DATA_DIR at another folder.");
