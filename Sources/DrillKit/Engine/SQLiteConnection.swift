import CSQLite
import Foundation

public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The extended result code (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, …).
    public var code: Int32
    public var message: String
    /// The rows a statement returned before it failed: `PRAGMA integrity_check` names the
    /// damage it found, then stops on a page it cannot read.
    public var rowsBeforeFailure: [[String?]] = []

    public var description: String {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = Self.name(of: code)
        return text == name ? text : "\(text) (SQLite: \(name))"
    }

    /// The primary code's name, as SQLite's documentation spells it.
    static func name(of code: Int32) -> String {
        String(cString: sqlite3_errstr(code))
    }

    /// SQLite words a missing table or column as `no such table: orders`; the backup lost it.
    var isMissingObject: Bool {
        let text = message.lowercased()
        return text.hasPrefix("no such table") || text.hasPrefix("no such column") || text.hasPrefix("unknown database")
    }

    var isCorruption: Bool {
        let primary = code & 0xff
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
    }
}

/// One SQLite database file, opened through the system's libsqlite3. Every call runs on the
/// connection's own serial queue so a long query never blocks Swift's cooperative pool, and
/// a cancelled task interrupts the statement (`sqlite3_interrupt`) instead of waiting for it.
public final class SQLiteConnection: DatabaseConnection, @unchecked Sendable {
    public var engine: DatabaseEngine { .sqlite }

    private let handle: OpaquePointer
    private let queue = DispatchQueue(label: "restore-drill.sqlite")
    private let closeLock = NSLock()
    private var closed = false
    public let path: String

    public enum Mode: Sendable {
        /// Production's file: never written. (SQLite may still create the `-wal` and `-shm`
        /// beside a WAL-mode file that has none: `SQLiteManifestTaker` hands them to the file's owner.)
        case readOnly
        /// The throwaway's own copy.
        case readWrite
        /// A new file (a test's production, an app's fresh database).
        case create
    }

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    public static func open(_ path: String, mode: Mode) async throws -> SQLiteConnection {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try openNow(path, mode: mode) })
            }
        }
    }

    static func openNow(_ path: String, mode: Mode) throws -> SQLiteConnection {
        var handle: OpaquePointer?
        let flags: Int32 = switch mode {
        case .readOnly: SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
        case .readWrite: SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI
        case .create: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI
        }
        // A URI, so that a path holding `?` or `#` stays a path.
        let uri = "file:" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
        let status = sqlite3_open_v2(uri, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "could not open \(path)"
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteError(code: status, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
        return SQLiteConnection(handle: handle, path: path)
    }

    /// Runs one statement; `$1…` (or `?`) parameters are bound as text, which SQLite's type
    /// affinity turns into a number where it meets a numeric column, as PostgreSQL types an
    /// untyped parameter from its column.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?]) async throws -> QueryResult {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result { try self.run(sql, parameters) })
                }
            }
        } onCancel: {
            sqlite3_interrupt(self.handle)
        }
    }

    /// Several statements, no parameters (a schema, a migration).
    public func execute(script: String) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                var errorText: UnsafeMutablePointer<CChar>?
                let status = sqlite3_exec(self.handle, script, nil, nil, &errorText)
                if status == SQLITE_OK {
                    continuation.resume()
                } else {
                    let message = errorText.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(self.handle))
                    sqlite3_free(errorText)
                    continuation.resume(throwing: SQLiteError(code: sqlite3_extended_errcode(self.handle), message: message))
                }
            }
        }
    }

    /// Copies the database, as this connection sees it, into a new file at `path` with SQLite's
    /// online backup: inside an open read transaction, the copy is that transaction's snapshot.
    /// Written beside `path` first and renamed, so a failed copy never stands as a backup.
    public func backup(to path: String) async throws {
        let partial = path + ".partial-" + RandomToken.hex(bytes: 4)
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let destination = try Self.openNow(partial, mode: .create)
        defer {
            destination.close()
            for side in ["-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: partial + side) }
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            queue.async {
                guard let backup = sqlite3_backup_init(destination.handle, "main", self.handle, "main") else {
                    continuation.resume(throwing: SQLiteError(code: sqlite3_extended_errcode(destination.handle),
                                                              message: String(cString: sqlite3_errmsg(destination.handle))))
                    return
                }
                let stepped = sqlite3_backup_step(backup, -1)
                let finished = sqlite3_backup_finish(backup)
                if stepped == SQLITE_DONE && finished == SQLITE_OK {
                    continuation.resume()
                } else {
                    continuation.resume(throwing: SQLiteError(code: stepped == SQLITE_DONE ? finished : stepped,
                                                              message: String(cString: sqlite3_errmsg(destination.handle))))
                }
            }
        }
        destination.close()
        guard rename(partial, path) == 0 else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "could not move the backup to \(path): \(String(cString: strerror(errno)))")
        }
    }

    public func close() {
        closeLock.lock()
        defer { closeLock.unlock() }
        guard !closed else { return }
        closed = true
        queue.sync { _ = sqlite3_close_v2(self.handle) }
    }

    /// No reference is left, so no call can be queued: close without the queue (a last
    /// reference dropped by a block on that queue would otherwise wait on itself).
    deinit {
        if !closed { sqlite3_close_v2(handle) }
    }

    /// A value as text: the whole of it (a NUL inside included), a BLOB as PostgreSQL prints a
    /// bytea (`\x0a1b`), so two different values never read alike.
    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL:
            return nil
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return "\\x" }
            let buffer = UnsafeRawBufferPointer(start: bytes, count: count)
            return "\\x" + buffer.map { String(format: "%02x", $0) }.joined()
        default:
            guard let text = sqlite3_column_text(statement, column) else { return nil }
            let count = Int(sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
        }
    }

    /// What may follow a statement: spaces, `;`, `-- …` and `/* … */`.
    static func isOnlyCommentsOrSpace(_ text: String) -> Bool {
        var rest = Substring(text)
        while let first = rest.first {
            if first.isWhitespace || first == ";" {
                rest = rest.dropFirst()
            } else if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return true }
                rest = rest[end.upperBound...]
            } else {
                return false
            }
        }
        return true
    }

    /// A statement on a closed connection would use a freed handle.
    private var isClosed: Bool {
        closeLock.lock()
        defer { closeLock.unlock() }
        return closed
    }

    private func error(_ status: Int32) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : status,
                    message: String(cString: sqlite3_errmsg(handle)))
    }

    private func run(_ sql: String, _ parameters: [String?]) throws -> QueryResult {
        guard !isClosed else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection to \(path) is closed") }
        var statement: OpaquePointer?
        let (prepared, rest) = sql.withCString { text -> (Int32, String) in
            var tail: UnsafePointer<CChar>?
            let status = sqlite3_prepare_v2(handle, text, -1, &statement, &tail)
            return (status, tail.map { String(cString: $0) } ?? "")
        }
        guard prepared == SQLITE_OK else { throw error(prepared) }
        guard let statement else { return QueryResult(columns: [], rows: []) }
        defer { sqlite3_finalize(statement) }
        // libpq refuses several statements with parameters; SQLite would run the first alone and
        // say nothing, and a check would judge whatever it returned.
        guard Self.isOnlyCommentsOrSpace(rest) else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "one statement per query: more follows the first (\(rest.trimmingCharacters(in: .whitespacesAndNewlines).prefix(40))…)")
        }

        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected <= parameters.count else {
            throw SQLiteError(code: SQLITE_RANGE, message: "the statement takes \(expected) parameters, \(parameters.count) were given")
        }
        for index in 0..<expected {
            let position = Int32(index + 1)
            // `$2` binds the second parameter wherever it stands; `?` takes them in order.
            var value = parameters[index]
            if let name = sqlite3_bind_parameter_name(statement, position).map({ String(cString: $0) }),
               name.hasPrefix("$") || name.hasPrefix("?"), let number = Int(name.dropFirst()), number >= 1 {
                guard number <= parameters.count else {
                    throw SQLiteError(code: SQLITE_RANGE, message: "the statement uses \(name), \(parameters.count) parameters were given")
                }
                value = parameters[number - 1]
            }
            let bound = if let value {
                sqlite3_bind_text(statement, position, value, -1, csqlite_transient())
            } else {
                sqlite3_bind_null(statement, position)
            }
            guard bound == SQLITE_OK else { throw error(bound) }
        }

        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [[String?]] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                var failure = error(step)
                failure.rowsBeforeFailure = rows
                throw failure
            }
            rows.append((0..<columnCount).map { column in Self.text(statement, column) })
        }
        return QueryResult(columns: columns, rows: rows)
    }
}
