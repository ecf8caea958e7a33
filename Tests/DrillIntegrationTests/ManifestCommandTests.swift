import Foundation
import RefStoreKit
import Testing
@testable import DrillKit

/// `restore-drill manifest --exec` takes the dump inside the manifest's snapshot, so writes
/// that land between the manifest and the dump cannot make them disagree.
@Suite(.serialized) struct ManifestCommandTests {
    private static let scenarioYAML = """
        version: 1
        name: manifest-test
        environment:
          kind: local
          database: { name: shop, user: shop }
        backup:
          dump: db.dump
          manifest: db.manifest.json
          min_size: 1KiB
        checks:
          - row_counts: { tables: [customers, orders, invoices], expect: manifest }
          - money: { columns: [orders.total_cents], currency_column: orders.currency, totals: manifest }
          - invoice_sequence: { table: invoices, column: number, series: series, latest: manifest }
        report:
          dir: reports
        """

    /// Production gets more orders and invoices *after* the manifest's snapshot began but before
    /// pg_dump runs: the `--exec` command itself writes them first.
    private func takeManifest(in scratch: ScratchFolder, production: TestPostgres, dumpInSnapshot: Bool) async throws -> CommandOutput {
        let pgDump = production.cluster.binaries.pgDump, psql = production.cluster.binaries.psql
        let lateWrites = "'\(psql)' -q -c \"WITH late AS (INSERT INTO orders (customer_id, currency, total_cents, status) SELECT id, 'EUR', 1999, 'paid' FROM customers ORDER BY id LIMIT 5 RETURNING id) SELECT issue_invoice(id) FROM late\""
        let snapshot = dumpInSnapshot ? "--snapshot={snapshot}" : ""
        let exec = "\(lateWrites) && '\(pgDump)' -Fc --no-owner \(snapshot) -f '\(scratch.file("db.dump"))'"
            + (dumpInSnapshot ? "" : " # {snapshot} not passed")
        var environment = production.cluster.clientEnvironment(database: production.database).compactMapValues { $0 }
        environment["PGDATABASE"] = production.database
        return try await HarnessBinary.run(["manifest", "--scenario", scratch.file("scenario.yml"), "--exec", exec,
                                            "--dump", scratch.file("db.dump"), "--out", scratch.file("db.manifest.json")],
                                           environment: environment)
    }

    @Test(arguments: [true, false])
    func manifestAndDumpAgreeOnlyWhenTheDumpRunsInTheSnapshot(dumpInSnapshot: Bool) async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try Self.scenarioYAML.write(toFile: scratch.file("scenario.yml"), atomically: true, encoding: .utf8)
        try await withTestPostgres { production in
            let connection = try await production.connect()
            _ = try await RefStore.migrate(on: connection)
            _ = try await RefStore.seed(on: connection, orders: 500)
            connection.close()
            let output = try await takeManifest(in: scratch, production: production, dumpInSnapshot: dumpInSnapshot)
            #expect(output.succeeded, "\(output.standardError)")
        }
        let manifest = try JSONDecoder.drill.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.file("db.manifest.json"))))
        #expect(manifest.rowCount(of: "orders") == 500)
        #expect(manifest.snapshot != nil)
        let fingerprint = try #require(manifest.dump)
        #expect(fingerprint.sha256 == (try FileDigest.sha256(path: scratch.file("db.dump"))).hex)
        let checksumFile = try String(contentsOfFile: scratch.file("db.dump.sha256"), encoding: .utf8)
        #expect(checksumFile.hasPrefix(fingerprint.sha256))
        #expect(!String(decoding: try Data(contentsOf: URL(fileURLWithPath: scratch.file("db.manifest.json"))), as: UTF8.self).contains("PGPASSWORD"))

        let drill = try await HarnessBinary.run(["run", scratch.file("scenario.yml")])
        if dumpInSnapshot {
            #expect(drill.exitCode == 0, "\(drill.standardOutput)")
        } else {
            // The dump holds the 5 late orders the manifest never saw: the drill must say so.
            #expect(drill.exitCode == 1, "\(drill.standardOutput)")
            #expect(drill.standardOutput.contains("orders: 505 rows, production reported 500"), "\(drill.standardOutput)")
        }
    }

    @Test func execWithoutSnapshotPlaceholderIsRefused() async throws {
        let output = try await HarnessBinary.run(["manifest", "--exec", "pg_dump -f x.dump", "--dump", "x.dump"],
                                                 environment: ["PGHOST": "/nonexistent"])
        #expect(output.exitCode == 2)
        #expect(output.standardError.contains("{snapshot}"))
    }

    @Test func anOutFolderThatDoesNotExistIsRefusedBeforeProductionIsRead() async throws {
        let output = try await HarnessBinary.run(["manifest", "--out", "/nonexistent-folder/db.manifest.json"],
                                                 environment: ["PGHOST": "/nonexistent"])
        #expect(output.exitCode == 2)
        #expect(output.standardError == "manifest: cannot write /nonexistent-folder/db.manifest.json: the folder /nonexistent-folder does not exist (create it first)\n")
    }
}
