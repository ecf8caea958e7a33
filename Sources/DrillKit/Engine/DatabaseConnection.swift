/// Which database engine holds a store's data. What differs between them is said here once:
/// how the engine names itself in a record, and the few SQL spellings the checks need.
public enum DatabaseEngine: String, Sendable, Codable, CaseIterable {
    case postgresql
    case sqlite

    /// `PostgreSQL 15.8`, `SQLite 3.40.1`: the record's server version.
    public func describe(version: String) -> String {
        switch self {
        case .postgresql: "PostgreSQL \(version)"
        case .sqlite: "SQLite \(version)"
        }
    }

    /// The statement whose one value is the engine's version.
    var versionQuery: String {
        switch self {
        case .postgresql: "SHOW server_version"
        case .sqlite: "SELECT sqlite_version()"
        }
    }

    /// `expression` (one term: a name, a literal, a call) as text: PostgreSQL's cast, SQLite's
    /// CAST (which writes a REAL as `12.5`).
    func text(_ expression: String) -> String {
        switch self {
        case .postgresql: "\(expression)::text"
        case .sqlite: "CAST(\(expression) AS TEXT)"
        }
    }

    /// `expression` (one term) as a 64-bit integer.
    func bigint(_ expression: String) -> String {
        switch self {
        case .postgresql: "\(expression)::bigint"
        case .sqlite: "CAST(\(expression) AS INTEGER)"
        }
    }

    /// A list of texts as one query parameter, and the condition that `expression` (text) is
    /// none of them: PostgreSQL's array, SQLite's JSON array through `json_each`.
    func textList(_ values: [String?]) -> String {
        switch self {
        case .postgresql: PostgresArrayLiteral.text(values)
        case .sqlite: JSONArrayText.of(values)
        }
    }

    func isNone(of listParameter: String, _ expression: String) -> String {
        switch self {
        case .postgresql: "\(expression) <> ALL (\(listParameter)::text[])"
        case .sqlite: "\(expression) NOT IN (SELECT value FROM json_each(\(listParameter)))"
        }
    }
}

/// The harness's connection to a database, whichever engine: one statement at a time with
/// `$1…` parameters sent apart from the SQL text, rows as text, `nil` for NULL.
public protocol DatabaseConnection: AnyObject, Sendable {
    var engine: DatabaseEngine { get }
    @discardableResult
    func query(_ sql: String, _ parameters: [String?]) async throws -> QueryResult
    func close()
}

extension DatabaseConnection {
    @discardableResult
    public func query(_ sql: String) async throws -> QueryResult {
        try await query(sql, [])
    }
}

/// A query's rows in text form; `nil` is SQL NULL.
public struct QueryResult: Sendable {
    public var columns: [String]
    public var rows: [[String?]]

    public init(columns: [String], rows: [[String?]]) {
        self.columns = columns
        self.rows = rows
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// The first column of the first row, the shape of most aggregate queries.
    public var scalar: String? { rows.first?.first ?? nil }

    public func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
}
