import Foundation

/// What production reported at dump time (`restore-drill manifest`): aggregates only,
/// taken in one REPEATABLE READ snapshot, never row contents.
public struct Manifest: Sendable, Codable, Equatable {
    public static let formatName = "restore-drill-manifest"

    public var format: String = Manifest.formatName
    public var version: Int = 1
    public var takenAt: Date
    public var database: String
    public var serverVersion: String
    /// Which engine production runs; nil in manifests from before SQLite stores: PostgreSQL.
    public var engine: DatabaseEngine?
    public var snapshot: String?
    /// `schema.table` → exact row count.
    public var rowCounts: [String: Int64]
    /// `table.column` → currency (or `*` when the table has no currency column) → SUM in cents.
    public var moneyTotals: [String: [String: Int64]]
    /// `table.column` → series (`""` when unseries'd) → the highest number issued.
    public var invoiceLatest: [String: [String: Int64]]
    public var dump: DumpFingerprint?
    /// Production's structure in the same snapshot; nil in manifests from before it was recorded.
    public var schema: SchemaFingerprint?
    /// What named programs printed against production as the manifest was taken (an installed
    /// plugin list), by name; a `command` check with `output_recorded` compares the drill's with it.
    public var commandOutputs: [String: RecordedOutput]?
    /// Who these figures are of, when not production: the upgrade gate's baseline is the
    /// restored copy as the current version saw it.
    public var reportedBy: String?

    /// `PostgreSQL 15.8`, `SQLite 3.40.1`.
    public var serverDescription: String { (engine ?? .postgresql).describe(version: serverVersion) }

    /// `production`, or who else the figures are of, for the checks' messages.
    public var owner: String { reportedBy ?? "production" }
    public var ownerPossessive: String { reportedBy.map { $0 + "'s" } ?? "production's" }

    public struct DumpFingerprint: Sendable, Codable, Equatable {
        public var path: String
        public var sha256: String
        public var sizeBytes: Int64
        public init(path: String, sha256: String, sizeBytes: Int64) {
            self.path = path
            self.sha256 = sha256
            self.sizeBytes = sizeBytes
        }
    }

    public struct RecordedOutput: Sendable, Codable, Equatable {
        /// The command as it was run, for the report's reader.
        public var command: String
        public var output: String
        public init(command: String, output: String) {
            self.command = command
            self.output = output
        }
    }

    public init(takenAt: Date, database: String, serverVersion: String, snapshot: String? = nil,
                rowCounts: [String: Int64] = [:], moneyTotals: [String: [String: Int64]] = [:],
                invoiceLatest: [String: [String: Int64]] = [:], dump: DumpFingerprint? = nil) {
        self.takenAt = takenAt
        self.database = database
        self.serverVersion = serverVersion
        self.snapshot = snapshot
        self.rowCounts = rowCounts
        self.moneyTotals = moneyTotals
        self.invoiceLatest = invoiceLatest
        self.dump = dump
    }

    /// A scenario names tables as `orders` or `public.orders`; the manifest keys are qualified.
    public static func qualified(_ table: String) -> String {
        table.contains(".") ? table : "public." + table
    }

    public func rowCount(of table: String) -> Int64? {
        guard engine == .sqlite else { return rowCounts[Self.qualified(table)] ?? rowCounts[table] }
        // SQLite's names are one schema (`main`) and case-insensitive: `invoice` is `Invoice`.
        let name = table.lowercased().hasPrefix("main.") ? String(table.dropFirst(5)) : table
        return rowCounts[name] ?? rowCounts.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// How a message names a table this manifest counts: `public.orders`, or SQLite's `orders`.
    public func qualifiedName(_ table: String) -> String {
        engine == .sqlite ? table : Self.qualified(table)
    }
}

extension JSONEncoder {
    /// The encoder every JSON artefact uses: snake_case keys, ISO 8601 UTC, stable key order.
    public static var drill: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(from: date))
        }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    public static var drill: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601.date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "not an ISO 8601 UTC time: \(text)"))
            }
            return date
        }
        return decoder
    }
}
