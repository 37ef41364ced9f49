using Npgsql;

namespace BabySea.Appliance.Storage.Postgres;

/// <summary>
/// The schema, as an ordered list of scripts: each runs once per database, in its own transaction with its row in
/// <c>schema_migrations</c>. Nodes starting together take one advisory lock first, so exactly one applies what is missing
/// and the others find it done. A script, once shipped, never changes: a later change is a new script at the end.
/// </summary>
public static class PgMigrations
{
    /// <summary>The advisory lock key of the migration run (any constant the appliance alone uses).</summary>
    private const long LockKey = 0x_B4B5_EA00_0001;

    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> Scripts =
    [
        (1, "initial schema", """
            CREATE TABLE accounts (
                id text PRIMARY KEY,
                name text NOT NULL,
                plan text NOT NULL,
                balance numeric(18,3) NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                alerts_enabled boolean,
                alert_thresholds numeric(18,3)[],
                alerts_fired numeric(18,3)[] NOT NULL DEFAULT '{}'
            );
            CREATE INDEX accounts_created ON accounts (created_at);

            CREATE TABLE api_keys (
                id text PRIMARY KEY,
                account_id text NOT NULL,
                name text NOT NULL,
                prefix text NOT NULL,
                hash text NOT NULL UNIQUE,
                scopes text[] NOT NULL,
                revoked boolean NOT NULL,
                expires_at timestamptz,
                ip_allowlist text[] NOT NULL,
                created_at timestamptz NOT NULL,
                last_used_at timestamptz
            );
            CREATE INDEX api_keys_account ON api_keys (account_id, created_at);

            -- seq orders an account's entries: every movement of an account is written under its row lock, so seq order is
            -- commit order and the balance chain holds in it. movement_key makes a second reserve, charge or refund impossible.
            CREATE TABLE ledger (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id text NOT NULL,
                type text NOT NULL,
                amount numeric(18,3) NOT NULL,
                delta numeric(18,3) NOT NULL,
                balance_after numeric(18,3) NOT NULL,
                generation_id text,
                description text NOT NULL,
                created_at timestamptz NOT NULL,
                movement_key text NOT NULL UNIQUE
            );
            CREATE INDEX ledger_account ON ledger (account_id, seq);
            CREATE INDEX ledger_account_time ON ledger (account_id, created_at);

            CREATE TABLE ledger_checkpoints (
                account_id text PRIMARY KEY,
                last_entry_id text,
                balance numeric(18,3) NOT NULL,
                at timestamptz NOT NULL
            );

            -- Ids and request ids are compared byte by byte (COLLATE "C"), as the ids are made to sort.
            -- Ids are UUIDv7, so (account_id, id) lists an account's generations by creation time. The nested parts of a
            -- record (request, attempts, outputs, provider errors) are documents: they are read and written whole.
            CREATE TABLE generations (
                id text COLLATE "C" PRIMARY KEY,
                account_id text NOT NULL,
                model text NOT NULL,
                media_type text NOT NULL,
                status text NOT NULL,
                provider_order text[] NOT NULL,
                request jsonb NOT NULL,
                cost numeric(18,3) NOT NULL,
                created_at timestamptz NOT NULL,
                provider_used text,
                prediction_id text,
                started_at timestamptz,
                completed_at timestamptz,
                predict_time double precision,
                error_code text,
                error text,
                removed boolean NOT NULL,
                attempts jsonb NOT NULL,
                outputs jsonb NOT NULL,
                provider_errors jsonb NOT NULL,
                lease_owner text,
                lease_until timestamptz
            );
            CREATE INDEX generations_account ON generations (account_id, id);
            -- The in-flight cap is a count of this index inside the admission transaction; recovery walks the same rows.
            CREATE INDEX generations_in_flight ON generations (account_id, media_type) WHERE status IN ('pending', 'processing');
            CREATE INDEX generations_open ON generations (id) WHERE status IN ('pending', 'processing');

            CREATE TABLE idempotency (
                account_id text NOT NULL,
                key text NOT NULL,
                fingerprint text NOT NULL,
                response_json text NOT NULL,
                generation_id text NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (account_id, key)
            );
            CREATE INDEX idempotency_expires ON idempotency (expires_at);

            CREATE TABLE activity (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id text NOT NULL,
                category text NOT NULL,
                action text NOT NULL,
                description text NOT NULL,
                at timestamptz NOT NULL
            );
            CREATE INDEX activity_account ON activity (account_id, seq);
            CREATE INDEX activity_account_time ON activity (account_id, at);

            CREATE TABLE webhook_endpoints (
                id text COLLATE "C" PRIMARY KEY,
                account_id text NOT NULL,
                url text NOT NULL,
                events text[] NOT NULL,
                enabled boolean NOT NULL,
                secret text NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                consecutive_failures integer NOT NULL,
                disabled_reason text,
                disabled_at timestamptz
            );
            CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, id);

            -- UUIDv7 ids are random within a millisecond; seq keeps creation order exact.
            CREATE TABLE webhook_deliveries (
                id text PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                event_id text NOT NULL,
                endpoint_id text NOT NULL,
                account_id text NOT NULL,
                event_type text NOT NULL,
                data_json text NOT NULL,
                created_at timestamptz NOT NULL,
                status text NOT NULL,
                attempts integer NOT NULL,
                next_attempt_at timestamptz,
                last_attempt_at timestamptz,
                last_status_code integer,
                last_error text,
                delivered_at timestamptz,
                replay_of text,
                released_from text,
                released_as text
            );
            CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);
            CREATE INDEX webhook_deliveries_endpoint_status ON webhook_deliveries (endpoint_id, status);
            CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (status, seq);
            CREATE INDEX webhook_deliveries_status_time ON webhook_deliveries (status, created_at);
            CREATE INDEX webhook_deliveries_account ON webhook_deliveries (account_id, created_at, seq);

            CREATE TABLE webhook_attempts (
                id text PRIMARY KEY,
                delivery_id text NOT NULL,
                endpoint_id text NOT NULL,
                account_id text NOT NULL,
                number integer NOT NULL,
                attempted_at timestamptz NOT NULL,
                status_code integer,
                error text,
                latency_ms double precision NOT NULL,
                succeeded boolean NOT NULL
            );
            CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, number);

            -- Request ids sort by time: each filter of the logs page walks one of these ranges newest first.
            CREATE TABLE request_logs (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                request_id text COLLATE "C" NOT NULL,
                account_id text,
                key_id text,
                method text NOT NULL,
                endpoint text NOT NULL,
                status integer NOT NULL,
                bse text,
                at timestamptz NOT NULL,
                duration_ms double precision NOT NULL,
                replay boolean NOT NULL,
                ip_hash text,
                user_agent text
            );
            CREATE INDEX request_logs_account ON request_logs (account_id, request_id);
            CREATE INDEX request_logs_account_status ON request_logs (account_id, status, request_id);
            CREATE INDEX request_logs_account_bse ON request_logs (account_id, bse, request_id) WHERE bse IS NOT NULL;
            CREATE INDEX request_logs_account_key ON request_logs (account_id, key_id, request_id) WHERE key_id IS NOT NULL;

            -- One row per account, grain (h, d, t), bucket start, kind (c: count, s: sum) and key; written with upserts
            -- that add, in the transaction of the events counted.
            CREATE TABLE rollups (
                account_id text NOT NULL,
                grain "char" NOT NULL,
                start timestamptz NOT NULL,
                kind "char" NOT NULL,
                key text NOT NULL,
                value numeric NOT NULL,
                PRIMARY KEY (account_id, grain, start, kind, key)
            );

            CREATE TABLE retention_marks (
                account_id text NOT NULL,
                category text NOT NULL,
                until timestamptz NOT NULL,
                position text,
                PRIMARY KEY (account_id, category)
            );

            CREATE TABLE readiness (
                id text PRIMARY KEY,
                at timestamptz NOT NULL
            );
            """),
        (2, "state shared by several nodes", """
            -- The secrets every node must agree on (admin token, signing keys): the first node's stands.
            CREATE TABLE shared_secrets (
                name text PRIMARY KEY,
                value text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );

            -- Requests per account and clock minute, counted by every node; an account keeps its current minute only.
            CREATE TABLE request_windows (
                account_id text NOT NULL,
                minute bigint NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (account_id, minute)
            );

            -- Which node sends an endpoint's deliveries, until when.
            ALTER TABLE webhook_endpoints ADD COLUMN send_owner text, ADD COLUMN send_until timestamptz;
            """),
    ];

    /// <summary>
    /// Applies every script the database lacks, under the advisory lock; returns how many this call applied. Synchronous:
    /// it runs once at start-up, while the services are being composed, before anything else uses the pool.
    /// </summary>
    public static int Apply(NpgsqlDataSource source)
    {
        using var connection = source.OpenConnection();
        Run(connection, null, "SELECT pg_advisory_lock($1)", LockKey);
        try
        {
            Run(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            var applied = new HashSet<int>();
            using (var read = connection.Command("SELECT version FROM schema_migrations"))
            using (var reader = read.ExecuteReader())
                while (reader.Read()) applied.Add(reader.GetInt32(0));
            var count = 0;
            foreach (var (version, name, sql) in Scripts.Where(s => !applied.Contains(s.Version)).OrderBy(s => s.Version))
            {
                using var transaction = connection.BeginTransaction();
                Run(connection, transaction, sql);
                Run(connection, transaction, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name);
                transaction.Commit();
                count++;
            }
            return count;
        }
        finally
        {
            Run(connection, null, "SELECT pg_advisory_unlock($1)", LockKey);
        }
    }

    private static void Run(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object?[] args)
    {
        using var command = Sql.Create(connection, sql, args, transaction);
        command.ExecuteNonQuery();
    }
}
