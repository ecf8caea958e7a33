import Foundation
import RefStoreKit
import Testing
@testable import DrillKit

/// RefStore 2.0, the major upgrade a gate rehearses: forward-only migrations that rewrite data
/// and drop a column (irreversible), idempotent when run again, and a server that refuses a
/// schema it was not migrated to, in one line.
@Suite struct RefStoreReleaseTests {
    @Test func releaseTwoBackfillsTheNamePartsDropsTheOldColumnAndAppliesNothingTheSecondTime() async throws {
        try await withTestPostgres { postgres in
            let connection = try await postgres.connect()
            defer { connection.close() }
            _ = try await RefStore.migrate(on: connection)
            _ = try await RefStore.seed(on: connection, orders: 200)
            let before = try await connection.query("SELECT count(*), string_agg(name, '|' ORDER BY id) FROM customers").rows[0]

            let applied = try await RefStore.migrate(on: connection, to: .two)
            #expect(applied.map(\.identifier) == ["0012_customer_name_parts", "0013_drop_customer_name"])
            let after = try await connection.query("SELECT count(*), string_agg(first_name || ' ' || last_name, '|' ORDER BY id) FROM customers").rows[0]
            #expect(after == before, "every customer kept, each name split without loss")
            let nameColumn = try await connection.query("SELECT count(*) FROM pg_attribute WHERE attrelid = 'customers'::regclass AND attname = 'name'").scalar
            #expect(nameColumn == "0")
            #expect(try await RefStore.migrate(on: connection, to: .two).isEmpty, "a second run applies nothing")
            #expect(try await RefStore.schemaVersion(on: connection) == RefStoreRelease.two.schemaVersion)
        }
    }

    @Test func eachReleaseRefusesASchemaItWasNotMigratedTo() async throws {
        try await withTestPostgres { postgres in
            let connection = try await postgres.connect()
            defer { connection.close() }
            _ = try await RefStore.migrate(on: connection)
            #expect(try await RefStore.schemaRefusal(on: connection, for: .one) == nil)
            #expect(try await RefStore.schemaRefusal(on: connection, for: .two)
                == "refstore 2.0.0 needs schema version 13, the database is at 11: run `refstore migrate --release 2` first")

            // Through the command line, as an operator (or a gate) starts it: one line, exit 78.
            var environment = postgres.cluster.clientEnvironment(database: postgres.database).compactMapValues { $0 }
            environment["PGDATABASE"] = postgres.database
            environment["MASTER_KEY"] = Data((0..<32).map { UInt8($0 * 7 + 3) }).base64EncodedString()
            let refstore = try HarnessBinary.path("refstore")
            let refused = try await CommandRunner.run(Command(refstore, ["serve", "--release", "2", "--http-port", "0"],
                                                              environment: environment.mapValues { Optional($0) }))
            #expect(refused.exitCode == 78)
            #expect(refused.standardError == "schema refused: refstore 2.0.0 needs schema version 13, the database is at 11: run `refstore migrate --release 2` first\n")

            _ = try await RefStore.migrate(on: connection, to: .two)
            #expect(try await RefStore.schemaRefusal(on: connection, for: .two) == nil)
            #expect(try await RefStore.schemaRefusal(on: connection, for: .one)
                == "the database's schema (version 13) is newer than refstore 1.0.0 knows (11): run the release that migrated it, or restore the backup taken before the upgrade")
        }
    }

    @Test func healthReportsTheRelease() async throws {
        try await withTestPostgres { postgres in
            let parameters = postgres.parameters
            let server = RefStoreServer(port: 0, masterKey: try MasterKey(bytes: (0..<32).map { UInt8($0 * 7 + 3) }),
                                        release: .two, connect: { try await PostgresConnection.connect(parameters) }, log: { _ in })
            let (ports, continuation) = AsyncStream.makeStream(of: UInt16.self)
            let serving = Task { try await server.run { continuation.yield($0) } }
            defer { serving.cancel() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let health = try await RefStoreServeTests.request("GET", "http://127.0.0.1:\(port)/health")
            #expect(health.json["version"] as? String == "2.0.0")
        }
    }
}
