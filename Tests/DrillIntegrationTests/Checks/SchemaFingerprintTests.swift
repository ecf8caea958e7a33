import Foundation
@testable import DrillKit
import Testing

/// The fingerprint of production and of its clean restore must be equal, or every drill of a
/// healthy backup fails: what pg_dump does not carry, or prints by session, is left out.
@Suite struct SchemaFingerprintTests {
    /// Partitions bounded by timestamptz, a foreign key to a partitioned table (PostgreSQL
    /// clones it per partition as `…_fkey1`, `…_fkey2`), a default and a CHECK holding a
    /// time, and an invalid index a failed `CREATE UNIQUE INDEX CONCURRENTLY` left behind.
    static let awkwardShop = """
        CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00',
                             PRIMARY KEY (id, at), CHECK (at > '2020-01-01 00:00:00+00')) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
        CREATE TABLE notes (id bigserial, event_id bigint, event_at timestamptz, body text, at timestamptz NOT NULL,
                            PRIMARY KEY (id, at), FOREIGN KEY (event_id, event_at) REFERENCES events) PARTITION BY RANGE (at);
        CREATE TABLE notes_2026 PARTITION OF notes FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
        CREATE TABLE notes_2025 PARTITION OF notes FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
        INSERT INTO events VALUES (1, '2025-06-01 12:00:00+00'), (2, '2026-06-01 12:00:00+00');
        INSERT INTO notes (event_id, event_at, body, at) VALUES (1, '2025-06-01 12:00:00+00', 'same', '2026-02-01 00:00:00+00'),
                                                                (2, '2026-06-01 12:00:00+00', 'same', '2026-03-01 00:00:00+00');
        CREATE TABLE plain_notes (id bigserial PRIMARY KEY, body text);
        INSERT INTO plain_notes (body) VALUES ('same'), ('same');
        """

    @Test func productionInAnotherTimeZoneAndItsCleanRestoreHaveOneFingerprint() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let dump = scratch.file("awkward.dump")
        let manifestPath = scratch.file("manifest.json")
        try await withTestPostgres { production in
            try await production.execute(Self.awkwardShop)
            // Fails on the duplicate bodies and leaves the index behind, invalid; pg_dump skips it.
            let connection = try await production.connect()
            await #expect(throws: PostgresError.self) {
                try await connection.query("CREATE UNIQUE INDEX CONCURRENTLY plain_notes_body_key ON plain_notes (body)")
            }
            let invalid = try await connection.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid").scalar
            #expect(invalid == "1")
            try await connection.query("ALTER DATABASE \(production.database) SET timezone TO 'Europe/Berlin'")
            connection.close()

            let berlin = try await production.connect()
            #expect(try await berlin.query("SHOW TimeZone").scalar == "Europe/Berlin")
            let fingerprint = try await SchemaFingerprintReader.read(berlin)
            try await berlin.query("SET TimeZone TO 'UTC'")
            #expect(try await SchemaFingerprintReader.read(berlin).sha256 == fingerprint.sha256, "the session's time zone must not matter")
            #expect(try await berlin.query("SHOW TimeZone").scalar == "UTC", "the caller's settings come back")
            berlin.close()
            #expect(fingerprint.objects.contains { $0.definition.contains("FOR VALUES FROM ('2025-01-01 00:00:00+00')") })
            #expect(!fingerprint.objects.contains { $0.name == "public.plain_notes_body_key" }, "an invalid index is not dumped")
            #expect(!fingerprint.objects.contains { $0.kind == .constraint && $0.name.hasSuffix("_fkey1") }, "cloned foreign keys are the parent's")

            let manifest = try await ManifestTaker(connection: production.parameters).take()
            #expect(manifest.schema?.sha256 == fingerprint.sha256)
            try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: manifestPath))
            try await production.dump(to: dump, format: .custom)
        }
        let scenario = Scenario.testScenario(dump: dump, checks: [.schema(SchemaCheckSpec(against: .manifest)),
                                                                  .sql(SQLCheckSpec(name: "events", query: "SELECT count(*) FROM events",
                                                                                    expect: Comparison(op: .equal, operand: "2")))],
                                             reportDirectory: scratch.path)
        var withManifest = scenario
        withManifest.backup.manifest = manifestPath
        let record = await DrillRunner(scenario: withManifest).run()
        #expect(record.checks[0].verdict == .pass, "\(record.outline)")
        #expect(record.checks[0].message?.hasPrefix("the restored schema equals production's schema in the manifest") == true)
        #expect(record.schema?.sha256 == (try JSONDecoder.drill.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))).schema?.sha256)
    }
}
