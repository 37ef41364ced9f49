using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BabySea.Appliance.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run, and a fresh database for each use of it, so tests stay isolated.
/// <c>BABYSEA_TEST_POSTGRES</c> (a connection string whose user may create databases) names an existing server; otherwise
/// the first use starts one from Debian's binaries (<c>/usr/lib/postgresql/*/bin</c>): a cluster in a temporary folder
/// owned by the <c>postgres</c> user when running as root, trust authentication on 127.0.0.1, a free port, the socket in
/// the same folder, and no fsync (a test cluster never outlives the run). It is stopped and removed when the process exits.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "BABYSEA_TEST_POSTGRES";

    private static readonly Lazy<string> Admin = new(() => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } existing ? existing : Start(),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates an empty database and answers its connection string.</summary>
    public static string NewDatabase()
    {
        var name = $"t_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(Admin.Value))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Admin.Value) { Database = name, MaxPoolSize = 30 }.ConnectionString;
    }

    private static string Start()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException($"No PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql), and {Variable} is not set.");
        var root = Path.Combine(Path.GetTempPath(), $"babysea-pg-{Guid.NewGuid():N}");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(root);
        // PostgreSQL refuses to run as root: the cluster belongs to the postgres user, who runs its tools.
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", "postgres:postgres", root);
        var port = FreePort();
        Run(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8");
        Run(asRoot, Path.Combine(bin, "pg_ctl"), "start", "-w", "-t", "60", "-D", data, "-l", Path.Combine(root, "server.log"), "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Run(asRoot, Path.Combine(bin, "pg_ctl"), "stop", "-D", data, "-m", "immediate");
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Exiting anyway: a leftover temporary folder is all it costs.
            }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    private static void Run(bool asPostgres, string file, params string[] args)
        => Run(asPostgres ? "runuser" : file, asPostgres ? ["-u", "postgres", "--", file, .. args] : args);

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {error}{output.Result}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
