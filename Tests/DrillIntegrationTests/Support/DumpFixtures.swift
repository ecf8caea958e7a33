import Foundation
import Testing
@testable import DrillKit

/// A folder for one test's dumps, removed at the end.
struct ScratchFolder: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "drill-tests-" + RandomToken.hex(bytes: 5)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` in the folder and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension TestPostgres {
    /// pg_dump of this database in the given format, written to `path`.
    func dump(to path: String, format: DumpFormat, extraArguments: [String] = []) async throws {
        let flag = switch format {
        case .custom, .auto: "c"
        case .directory: "d"
        case .tar: "t"
        case .plain: "p"
        }
        let output = try await CommandRunner.run(Command(cluster.binaries.pgDump,
            ["-F", flag, "--no-owner", "--no-privileges", "-f", path] + extraArguments,
            environment: cluster.clientEnvironment(database: database)))
        guard output.succeeded else { throw ScratchError("pg_dump failed: \(output.errorTail())") }
    }

    func execute(_ sql: String) async throws {
        let connection = try await connect()
        defer { connection.close() }
        try await connection.execute(script: sql)
    }
}

/// A dump big enough that its restore takes seconds, so a signal or a deadline lands
/// mid-restore: `big.dump` in `scratch`.
func writeSlowDump(in scratch: ScratchFolder) async throws {
    try await withTestPostgres { production in
        try await production.execute("""
            CREATE TABLE events (id bigserial PRIMARY KEY, payload text, amount_cents bigint);
            INSERT INTO events (payload, amount_cents) SELECT md5(g::text) || md5((g * 7)::text), g FROM generate_series(1, 1500000) g;
            CREATE INDEX ON events (payload);
            CREATE INDEX ON events (amount_cents);
            """)
        try await production.dump(to: scratch.file("big.dump"), format: .custom, extraArguments: ["--compress=0"])
    }
}

struct ScratchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Scenario {
    /// A local-target scenario restoring `dump`, with the given checks.
    static func testScenario(dump: String, format: DumpFormat = .auto, checks: [CheckKind] = [], manifest: String? = nil,
                             sha256File: String? = nil, minSize: Int64 = 0, reportDirectory: String = NSTemporaryDirectory(),
                             objectives: Objectives = Objectives(tier: .baseline, rpoSeconds: nil, rtoSeconds: nil)) -> Scenario {
        Scenario(file: "test.yml", name: "test-drill", objectives: objectives,
                 environment: EnvironmentSpec(kind: .local, database: DatabaseSpec(name: "shop", user: "shop")),
                 backup: BackupSpec(source: .dump(DumpSpec(path: dump, format: format, sha256File: sha256File, minSizeBytes: minSize, jobs: .fixed(2))),
                                    manifest: manifest),
                 checks: checks.enumerated().map { CheckSpec(index: $0.offset, location: SourceLocation(line: 10 + $0.offset, column: 5), kind: $0.element) },
                 report: ReportSpec(directory: reportDirectory))
    }
}

extension DrillRecord {
    func step(_ id: StepID) -> StepRecord? { steps.first { $0.id == id } }

    /// Each step and check with its verdict, message and findings: what a failed expectation prints.
    var outline: String {
        (steps.map { "\($0.id): \($0.verdict) \($0.message ?? "") \($0.findings.map(\.code))" }
            + checks.map { "\($0.kind): \($0.verdict) \($0.message ?? "")" }).joined(separator: "\n")
    }
}

/// A small shop schema with data, enough to restore meaningfully.
let smallShopSQL = """
    CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, currency char(3) NOT NULL, total_cents bigint NOT NULL);
    INSERT INTO customers (email) SELECT 'c' || g || '@example.test' FROM generate_series(1, 200) g;
    INSERT INTO orders (customer_id, currency, total_cents) SELECT 1 + g % 200, (ARRAY['EUR','USD','GBP'])[1 + g % 3], 100 + g * 7 FROM generate_series(1, 2000) g;
    """

/// A scratch folder holding a dump of a real PostgreSQL database filled by `sql`, for as long
/// as `body` runs.
func withProductionDump<T: Sendable>(format: DumpFormat = .custom, sql: String = smallShopSQL,
                                     _ body: (String, ScratchFolder) async throws -> T) async throws -> T {
    let scratch = try ScratchFolder()
    defer { scratch.remove() }
    let dumpPath = scratch.file("db.\(format.rawValue)")
    try await withTestPostgres { production in
        try await production.execute(sql)
        try await production.dump(to: dumpPath, format: format)
    }
    return try await body(dumpPath, scratch)
}

/// A scenario restoring `big.dump` (see `writeSlowDump`) with one job, on the given
/// environment (`kind: local`, or a compose block), reporting to `reports-<name>`.
func slowDrillScenario(in scratch: ScratchFolder, name: String, environment: String, deadline: String? = nil) throws -> String {
    let path = scratch.file("\(name).yml")
    try """
        version: 1
        name: \(name)
        objectives: { tier: baseline }
        \(deadline.map { "deadline: \($0)" } ?? "")
        environment:
        \(environment)
          database: { name: shop, user: shop }
        backup:
          dump: big.dump
          jobs: 1
        checks:
          - sql: { name: events exist, query: "SELECT count(*) FROM events", expect: "> 0" }
        report:
          dir: reports-\(name)
        """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

extension DrillRecord {
    /// The one drill record a run wrote into `folder`, read the way history reads it.
    static func only(in folder: String) throws -> DrillRecord {
        let records = try RecordFolder.read(folder).records
        try #require(records.count == 1, "expected one record in \(folder), found \(records.map(\.fileName))")
        return records[0].record
    }
}
