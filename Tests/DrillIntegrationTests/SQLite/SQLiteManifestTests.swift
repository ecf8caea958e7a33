import Foundation
import Testing
@testable import DrillKit

/// `restore-drill manifest --sqlite`: production's file read in one read transaction, never
/// written, the backup taken from that snapshot and bound to the manifest by SHA-256.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SQLiteManifestTests {
    private let checks: [CheckKind] = [
        .rowCounts(RowCountsCheckSpec(tables: ["orders", "customers", "invoices"], expect: .manifest)),
        .money(MoneyCheckSpec(columns: [ColumnReference(table: "orders", column: "total_cents")],
                              currencyColumn: ColumnReference(table: "orders", column: "currency"), totals: .manifest)),
        .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", latest: .manifest)),
    ]
    private var specs: [CheckSpec] {
        checks.enumerated().map { CheckSpec(index: $0.offset, location: SourceLocation(line: 1, column: 1), kind: $0.element) }
    }

    /// The mechanism the manifest rests on: SQLite's online backup, run inside a read
    /// transaction, copies that transaction's snapshot, not a commit made after it began.
    @Test func theBackupCopiesTheReadTransactionsSnapshot() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production, wal: true)
        let reader = try await SQLiteConnection.open(production, mode: .readOnly)
        defer { reader.close() }
        try await reader.query("BEGIN")
        #expect(try await reader.query("SELECT count(*) FROM orders").scalar == "2000")
        try await SQLiteShop.change(production, "INSERT INTO orders (customer_id, currency, total_cents) VALUES (1, 'EUR', 5);")
        try await reader.backup(to: scratch.file("backup.db"))
        try await reader.query("COMMIT")
        let copy = try await SQLiteConnection.open(scratch.file("backup.db"), mode: .readOnly)
        defer { copy.close() }
        #expect(try await copy.query("SELECT count(*) FROM orders").scalar == "2000")
    }

    @Test func aManifestWithItsBackupDrillsToAPassAndProductionIsUntouched() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production)
        let before = try FileDigest.sha256(path: production).0
        let manifest = try await SQLiteManifestTaker(file: production, checks: specs, backupTo: scratch.file("backup.db")).take()
        #expect(try FileDigest.sha256(path: production).0 == before)
        #expect(manifest.engine == .sqlite && manifest.serverDescription.hasPrefix("SQLite 3."))
        #expect(manifest.rowCounts == ["customers": 200, "orders": 2000, "invoices": 1500, "drill_canary": 1])
        #expect(manifest.invoiceLatest["invoices.number"] == ["": 1500])
        #expect(manifest.moneyTotals["orders.total_cents"]?.keys.sorted() == ["EUR", "GBP", "USD"])
        #expect(manifest.dump?.sha256 == (try FileDigest.sha256(path: scratch.file("backup.db")).0))
        try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: scratch.file("backup.manifest.json")))

        let record = await DrillRunner(scenario: .sqliteScenario(backup: scratch.file("backup.db"), checks: checks,
                                                                 manifest: scratch.file("backup.manifest.json"))).run()
        #expect(record.verdict == .pass, "\(record.outline)")
        #expect(record.checks.count == 3 && record.checks.allSatisfy { $0.verdict == .pass })
        #expect(record.backup?.createdAtSource == "manifest taken_at, bound to this file by sha256")

        // The same manifest against another day's file: bound by hash, so refused before anything restores.
        try await SQLiteShop.change(production, "DELETE FROM invoices WHERE number > 1400;")
        try SQLiteShop.backup(production, to: scratch.file("other.db"))
        let other = await DrillRunner(scenario: .sqliteScenario(backup: scratch.file("other.db"), checks: checks,
                                                                manifest: scratch.file("backup.manifest.json"))).run()
        #expect(other.step(.prepare)?.findings.map(\.code) == ["manifest-dump-mismatch"], "\(other.outline)")
    }

    @Test func aBackupThatLostRowsFailsAgainstTheManifest() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production)
        let manifest = try await SQLiteManifestTaker(file: production, checks: specs).take()
        try JSONEncoder.drill.encode(manifest).write(to: URL(fileURLWithPath: scratch.file("m.json")))
        try FileManager.default.copyItem(atPath: production, toPath: scratch.file("backup.db"))
        try await SQLiteShop.change(scratch.file("backup.db"), "DELETE FROM invoices WHERE number > 1495; DELETE FROM orders WHERE id > 1995;")
        let record = await DrillRunner(scenario: .sqliteScenario(backup: scratch.file("backup.db"), checks: checks, manifest: scratch.file("m.json"))).run()
        #expect(record.verdict == .fail)
        let messages = record.checks.map { $0.message ?? "" }
        #expect(messages[0].contains("orders: 1995 rows, production reported 2000 (−5)"), "\(messages)")
        #expect(messages[2].contains("the latest invoice is 1495, production's last was 1500"), "\(messages)")
    }

    @Test func theCommandLineWritesTheBackupAndRefusesAMovedOnCopy() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production)
        let taken = try await HarnessBinary.run(["manifest", "--sqlite", production, "--backup-to", scratch.file("backup.db"),
                                                 "--out", scratch.file("backup.manifest.json")])
        #expect(taken.succeeded, "\(taken.standardError)")
        #expect(taken.standardError.contains("backup sha256"), "\(taken.standardError)")
        let checksum = try String(contentsOfFile: scratch.file("backup.db.sha256"), encoding: .utf8)
        #expect(checksum.hasPrefix(try FileDigest.sha256(path: scratch.file("backup.db")).0))

        // The operator's own command, run while the snapshot is held: the sqlite3 shell's .backup agrees with it.
        let shell = try await HarnessBinary.run(["manifest", "--sqlite", production, "--exec", "sqlite3 \"$DATABASE_FILE\" \".backup '\(scratch.file("shell.db"))'\"",
                                                 "--dump", scratch.file("shell.db"), "--out", scratch.file("shell.manifest.json")])
        #expect(shell.succeeded, "\(shell.standardError)")
        // A command that hands over a copy of another moment is refused, with the tables that differ.
        try SQLiteShop.backup(production, to: scratch.file("old.db"))
        try await SQLiteShop.change(scratch.file("old.db"), "DELETE FROM customers WHERE id > 190;")
        let moved = try await HarnessBinary.run(["manifest", "--sqlite", production, "--exec", "cp '\(scratch.file("old.db"))' '\(scratch.file("moved.db"))'",
                                                 "--dump", scratch.file("moved.db"), "--out", scratch.file("moved.manifest.json")])
        #expect(!moved.succeeded)
        #expect(moved.standardError.contains("customers: 200 in the snapshot, 190 in the backup"), "\(moved.standardError)")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("moved.manifest.json")))

        // The backup never goes over production, by its name or another.
        let before = try FileDigest.sha256(path: production).0
        for target in [production, production + "-wal", scratch.file("./storeit.db")] {
            let over = try await HarnessBinary.run(["manifest", "--sqlite", production, "--backup-to", target, "--out", scratch.file("over.json")])
            #expect(!over.succeeded && over.standardError.contains("is production's own file"), "\(target): \(over.standardError)")
        }
        try FileManager.default.linkItem(atPath: production, toPath: scratch.file("hardlink.db"))
        let linked = try await HarnessBinary.run(["manifest", "--sqlite", production, "--backup-to", scratch.file("hardlink.db"), "--out", scratch.file("over.json")])
        #expect(!linked.succeeded && linked.standardError.contains("is production's own file"))
        #expect(try FileDigest.sha256(path: production).0 == before)

        let missing = try await HarnessBinary.run(["manifest", "--sqlite", scratch.file("nope.db"), "--out", scratch.file("x.json")])
        #expect(!missing.succeeded && missing.standardError.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("nope.db")))
    }

    /// SQLite's CAST reads `12abc` as 12: the manifest's latest is a whole number from 1, as the check counts one.
    @Test func theLatestInvoiceIgnoresWhatIsNotAWholeNumber() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production, sql: """
            CREATE TABLE invoices (id INTEGER PRIMARY KEY, number TEXT);
            INSERT INTO invoices (number) VALUES ('1'), ('2'), ('0003'), ('9999abc'), ('99.9'), ('INV-7');
            """)
        let spec = CheckSpec(index: 0, location: SourceLocation(line: 1, column: 1),
                             kind: .invoiceSequence(InvoiceSequenceCheckSpec(table: "invoices", column: "number", latest: .manifest)))
        let manifest = try await SQLiteManifestTaker(file: production, checks: [spec]).take()
        #expect(manifest.invoiceLatest["invoices.number"] == ["": 3])
    }
}
