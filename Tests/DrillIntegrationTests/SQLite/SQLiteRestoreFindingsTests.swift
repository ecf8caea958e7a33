import Foundation
import Testing
@testable import DrillKit

/// Each SQLite restore finding, proven against a file broken the way real copies break and
/// shown not to fire on a healthy one. Every file is made by the real libsqlite3 or the sqlite3 shell.
@Suite(.serialized, .timeLimit(.minutes(10))) struct SQLiteRestoreFindingsTests {
    private let counts = CheckKind.rowCounts(RowCountsCheckSpec(tables: ["orders", "customers"],
                                                                expect: .value(["orders": SQLiteShop.orders, "customers": SQLiteShop.customers])))

    private func drill(_ backup: String, checks: [CheckKind]? = nil) async -> DrillRecord {
        await DrillRunner(scenario: .sqliteScenario(backup: backup, checks: checks ?? [counts])).run()
    }

    private func expectFinding(_ record: DrillRecord, _ code: String, at step: StepID = .restore, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(record.step(step)?.findings.map(\.code) == [code], "\(record.outline)", sourceLocation: sourceLocation)
        #expect(record.verdict == .fail, sourceLocation: sourceLocation)
        #expect(record.teardown?.verdict == .pass && record.teardown?.leftovers == [], sourceLocation: sourceLocation)
    }

    @Test func aBackupTakenWithTheShellRestoresAndCounts() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        try SQLiteShop.backup(scratch.file("storeit.db"), to: scratch.file("backup.db"))
        let before = try Data(contentsOf: URL(fileURLWithPath: scratch.file("backup.db")))
        let record = await drill(scratch.file("backup.db"))
        #expect(record.verdict == .pass, "\(record.outline)")
        #expect(record.step(.restore)?.message?.contains("integrity_check ok") == true)
        #expect(record.checks.first?.message == "row counts match the scenario: orders 2000, customers 200")
        #expect(record.environment?.serverVersion?.hasPrefix("SQLite 3.") == true)
        #expect(record.backup?.format == "sqlite")
        // The original is only read: not one byte of it changed, and nothing was left beside it.
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.file("backup.db"))) == before)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("backup.db-wal")))
        #expect(record.teardown?.leftovers == [])
    }

    @Test func aBackupWrittenByVacuumIntoRestores() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"), wal: true)
        try await SQLiteShop.change(scratch.file("storeit.db"), "VACUUM INTO '\(scratch.file("vacuumed.db"))';")
        let record = await drill(scratch.file("vacuumed.db"))
        #expect(record.verdict == .pass, "\(record.outline)")
        #expect(record.checks.first?.message == "row counts match the scenario: orders 2000, customers 200")
    }

    @Test func aFileCopiedWithItsWALKeepsTheCommitsTheWALHolds() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let production = scratch.file("storeit.db")
        try await SQLiteShop.makeProduction(at: production, wal: true)
        // Production stays open, with commits still in its -wal, as a running app keeps it.
        let running = try await SQLiteConnection.open(production, mode: .readWrite)
        defer { running.close() }
        try await running.execute(script: "PRAGMA wal_autocheckpoint = 0; PRAGMA wal_checkpoint(TRUNCATE);")
        try await running.execute(script: "INSERT INTO orders (customer_id, currency, total_cents) VALUES (1, 'EUR', 999);")
        try FileManager.default.copyItem(atPath: production, toPath: scratch.file("copy.db"))
        try FileManager.default.copyItem(atPath: production + "-wal", toPath: scratch.file("copy.db-wal"))

        let record = await drill(scratch.file("copy.db"), checks: [.rowCounts(RowCountsCheckSpec(tables: ["orders"], expect: .value(["orders": 2001])))])
        #expect(record.verdict == .pass, "\(record.outline)")
        #expect(record.step(.restore)?.message?.contains("1 WAL frame") == true || record.step(.restore)?.message?.contains("WAL frames applied") == true)
        #expect(record.checks.first?.message == "row counts match the scenario: orders 2001")
    }

    @Test func aFileThatIsNotSQLiteIsNamedAsSuch() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", scratch.file("storeit.db")]
        try gzip.run()
        gzip.waitUntilExit()
        let record = await drill(scratch.file("storeit.db.gz"))
        expectFinding(record, "sqlite-not-a-database", at: .prepare)
        #expect(record.step(.prepare)?.findings.first?.detail?.contains("gzip") == true)
        #expect(record.step(.target)?.verdict == .skipped)
    }

    @Test func aFileCutShortIsTruncated() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.file("storeit.db")))
        // Cut at a page boundary, so only the header's own page count can tell.
        try data.prefix((data.count / 2) / 4096 * 4096).write(to: URL(fileURLWithPath: scratch.file("cut.db")))
        let record = await drill(scratch.file("cut.db"))
        expectFinding(record, "sqlite-truncated", at: .prepare)
        #expect(record.step(.prepare)?.findings.first?.detail?.contains("bytes missing") == true)
    }

    /// The production store with `damage` done to the bytes of the page in its middle (4096-byte
    /// pages, numbered from 0 here, from 1 in SQLite's words), drilled.
    private func drillDamagedPage(_ damage: (inout [UInt8], Range<Int>) -> Void) async throws -> (DrillRecord, page: Int) {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch.file("storeit.db"))))
        let page = bytes.count / 4096 / 2
        damage(&bytes, (page * 4096)..<((page + 1) * 4096))
        try Data(bytes).write(to: URL(fileURLWithPath: scratch.file("damaged.db")))
        return (await drill(scratch.file("damaged.db")), page)
    }

    @Test func anOverwrittenPageFailsIntegrityCheckInSQLitesWords() async throws {
        // A page in the middle of the orders table, overwritten as a torn write leaves it.
        let (record, _) = try await drillDamagedPage { bytes, page in
            for offset in (page.lowerBound + 100)..<(page.lowerBound + 1200) { bytes[offset] = UInt8(truncatingIfNeeded: offset &* 31) }
        }
        expectFinding(record, "sqlite-integrity")
        let detail = record.step(.restore)?.findings.first?.detail ?? ""
        #expect(!detail.isEmpty && detail != "ok", "\(detail)")
        #expect(record.checks.allSatisfy { $0.verdict == .skipped })
    }

    /// A page wiped whole (its b-tree header too): integrity_check names the page, then stops
    /// on it with an error. What it named is kept, and the count reads "at least".
    @Test func aPageTooDamagedToReadIsNamedBeforeIntegrityCheckStops() async throws {
        let (record, page) = try await drillDamagedPage { bytes, page in
            for offset in page { bytes[offset] = 0xa5 }
        }
        expectFinding(record, "sqlite-integrity")
        let finding = record.step(.restore)?.findings.first
        #expect(finding?.title.hasPrefix("PRAGMA integrity_check reported at least ") == true, "\(finding?.title ?? "")")
        #expect(finding?.detail?.contains("Page \(page + 1): ") == true, "\(finding?.detail ?? "")")
        #expect(finding?.detail?.contains("integrity_check stopped here: database disk image is malformed") == true, "\(finding?.detail ?? "")")
    }

    @Test func aWALFromAnotherDatabaseIsForeign() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"), wal: true)
        // Another store of the same page size, with commits of its own in its -wal.
        let other = scratch.file("other.db")
        try await SQLiteShop.makeProduction(at: other, sql: sqliteShopSQL.replacingOccurrences(of: "n < 2000", with: "n < 3000"), wal: true)
        let open = try await SQLiteConnection.open(other, mode: .readWrite)
        defer { open.close() }
        try await open.execute(script: "PRAGMA wal_autocheckpoint = 0; PRAGMA wal_checkpoint(TRUNCATE);"
                               + "UPDATE orders SET total_cents = total_cents + 1; DELETE FROM invoices WHERE number > 1000;")
        try FileManager.default.copyItem(atPath: scratch.file("storeit.db"), toPath: scratch.file("copy.db"))
        try FileManager.default.copyItem(atPath: other + "-wal", toPath: scratch.file("copy.db-wal"))
        let record = await drill(scratch.file("copy.db"))
        expectFinding(record, "sqlite-foreign-wal")
        #expect(record.step(.restore)?.findings.first?.detail?.contains("without it") == true)
    }

    @Test func aWALBesideAFileInRollbackModeIsForeign() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        try await SQLiteShop.makeProduction(at: scratch.file("other.db"), wal: true)
        let open = try await SQLiteConnection.open(scratch.file("other.db"), mode: .readWrite)
        defer { open.close() }
        try await open.execute(script: "PRAGMA wal_autocheckpoint = 0; PRAGMA wal_checkpoint(TRUNCATE); DELETE FROM invoices;")
        try FileManager.default.copyItem(atPath: scratch.file("other.db-wal"), toPath: scratch.file("storeit.db-wal"))
        let record = await drill(scratch.file("storeit.db"))
        expectFinding(record, "sqlite-foreign-wal", at: .prepare)
        #expect(record.step(.prepare)?.findings.first?.detail?.contains("rollback-journal mode") == true)
    }

    @Test func rowsPointingAtNothingAreForeignKeyViolations() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        // An app that never turns foreign keys on lets this in.
        try await SQLiteShop.change(scratch.file("storeit.db"), "PRAGMA foreign_keys = OFF; DELETE FROM customers WHERE id <= 3;")
        let record = await drill(scratch.file("storeit.db"))
        expectFinding(record, "sqlite-foreign-keys")
        let detail = record.step(.restore)?.findings.first?.detail ?? ""
        #expect(detail.contains("orders: 30 rows without their customers"), "\(detail)")
    }

    @Test(arguments: ["zero bytes", "no tables"])
    func anEmptyDatabaseIsEmpty(kind: String) async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let path = scratch.file("empty.db")
        if kind == "zero bytes" {
            _ = FileManager.default.createFile(atPath: path, contents: Data())
        } else {
            try await SQLiteShop.makeProduction(at: path, sql: "CREATE TABLE t (x); DROP TABLE t;")
        }
        let record = await drill(path)
        expectFinding(record, "sqlite-empty", at: kind == "zero bytes" ? .prepare : .restore)
    }

    @Test func theChecksumFileAndTheManifestBindTheFile() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await SQLiteShop.makeProduction(at: scratch.file("storeit.db"))
        let (hash, _) = try FileDigest.sha256(path: scratch.file("storeit.db"))
        let good = try scratch.write("good.sha256", "\(hash)  storeit.db\n")
        let bad = try scratch.write("bad.sha256", "\(String(repeating: "0", count: 64))  storeit.db\n")
        let passing = await DrillRunner(scenario: .sqliteScenario(backup: scratch.file("storeit.db"), checks: [counts], sha256File: good)).run()
        #expect(passing.verdict == .pass, "\(passing.outline)")
        let failing = await DrillRunner(scenario: .sqliteScenario(backup: scratch.file("storeit.db"), checks: [counts], sha256File: bad)).run()
        expectFinding(failing, "checksum-mismatch", at: .prepare)
    }
}
