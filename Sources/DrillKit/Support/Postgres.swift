import CLibPQ
import Foundation

/// Where and how to reach a PostgreSQL server. The password travels only through libpq's
/// parameter array (never a conninfo string, never argv).
public struct ConnectionParameters: Sendable {
    public var host: String?
    public var port: Int?
    public var user: String?
    public var password: String?
    public var database: String?
    public var applicationName: String = "restore-drill"
    public var connectTimeoutSeconds: Int = 10

    public init(host: String? = nil, port: Int? = nil, user: String? = nil, password: String? = nil, database: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    var keywordValues: [(String, String)] {
        var pairs: [(String, String)] = []
        if let host { pairs.append(("host", host)) }
        if let port { pairs.append(("port", String(port))) }
        if let user { pairs.append(("user", user)) }
        if let password { pairs.append(("password", password)) }
        if let database { pairs.append(("dbname", database)) }
        pairs.append(("application_name", applicationName))
        pairs.append(("connect_timeout", String(connectTimeoutSeconds)))
        return pairs
    }
}

public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?

    public var description: String {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += " DETAIL: \(detail)" }
        if let hint { text += " HINT: \(hint)" }
        return text
    }
}

/// One libpq connection. Every call runs on the connection's own serial queue so a long
/// query never blocks Swift's cooperative thread pool, and a cancelled task cancels the
/// query on the server (PQcancel) instead of waiting for it.
public final class PostgresConnection: DatabaseConnection, @unchecked Sendable {
    public var engine: DatabaseEngine { .postgresql }
    private let connection: OpaquePointer
    private let queue: DispatchQueue
    private let closeLock = NSLock()
    private var closed = false

    private init(connection: OpaquePointer) {
        self.connection = connection
        self.queue = DispatchQueue(label: "restore-drill.postgres")
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    public static func connect(_ parameters: ConnectionParameters) async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let pairs = parameters.keywordValues
                let keywords = pairs.map { strdup($0.0) } + [nil]
                let values = pairs.map { strdup($0.1) } + [nil]
                defer {
                    keywords.forEach { free($0) }
                    values.forEach { free($0) }
                }
                let raw = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
                    values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                        PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 0)
                    }
                }
                guard let raw else {
                    continuation.resume(throwing: PostgresError(message: "libpq could not allocate a connection"))
                    return
                }
                if PQstatus(raw) != CONNECTION_OK {
                    let message = String(cString: PQerrorMessage(raw))
                    PQfinish(raw)
                    continuation.resume(throwing: PostgresError(sqlState: "08001", message: message))
                    return
                }
                continuation.resume(returning: PostgresConnection(connection: raw))
            }
        }
    }

    public var serverVersionNumber: Int { Int(PQserverVersion(connection)) }

    /// Runs one statement with `$1…` parameters sent separately from the SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?]) async throws -> QueryResult {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result { try Self.execute(self.connection, sql, parameters) })
                }
            }
        } onCancel: {
            if let cancel = PQgetCancel(self.connection) {
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancel, &buffer, 256)
                PQfreeCancel(cancel)
            }
        }
    }

    /// Runs several statements as one simple-protocol string (migrations); no parameters.
    public func execute(script: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                let connection = self.connection
                guard let result = PQexec(connection, script) else {
                    continuation.resume(throwing: PostgresError(message: String(cString: PQerrorMessage(connection))))
                    return
                }
                defer { PQclear(result) }
                let status = PQresultStatus(result)
                if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK {
                    continuation.resume()
                } else {
                    continuation.resume(throwing: Self.error(from: result, connection: connection))
                }
            }
        }
    }

    public func close() {
        closeLock.lock()
        defer { closeLock.unlock() }
        guard !closed else { return }
        closed = true
        queue.sync { PQfinish(self.connection) }
    }

    deinit { close() }

    private static func execute(_ connection: OpaquePointer, _ sql: String, _ parameters: [String?]) throws -> QueryResult {
        let cValues = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cValues.forEach { free($0) } }
        let result = cValues.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else {
            throw PostgresError(message: String(cString: PQerrorMessage(connection)))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw error(from: result, connection: connection)
        }
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append((0..<columnCount).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return QueryResult(columns: columns, rows: rows)
    }

    private static func error(from result: OpaquePointer, connection: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let primary = field("M") ?? String(cString: PQerrorMessage(connection))
        return PostgresError(sqlState: field("C"), message: primary, detail: field("D"), hint: field("H"))
    }
}

extension String {
    /// SQL identifier quoting for names that came from a scenario (tables, columns).
    public var sqlIdentifier: String { "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// A possibly schema-qualified name (`schema.table`) quoted part by part.
    public var sqlQualifiedIdentifier: String {
        split(separator: ".", omittingEmptySubsequences: false).map { String($0).sqlIdentifier }.joined(separator: ".")
    }
}
