import Foundation

/// Proves an immutability guard still fires: a DELETE of one row and an UPDATE that changes
/// nothing are each tried inside a transaction that is always rolled back, and each must be
/// refused. A guard that is present but disabled, or that a migration replaced with one that
/// lets edits through, fails here; a schema check alone would not say it fires.
enum GuardProbe {
    struct Outcome {
        var verdict: Verdict
        var message: String
        var queries: [String]
    }

    static func run(_ table: String, drill: DrillContext) async -> Outcome {
        guard let parameters = drill.target.connectionParameters(database: drill.scenario.environment.database.name) else {
            return Outcome(verdict: .error, message: "no upgraded database to try the guard on", queries: [])
        }
        let relation = table.sqlQualifiedIdentifier
        let connection: PostgresConnection
        do { connection = try await PostgresConnection.connect(parameters) } catch {
            return Outcome(verdict: .error, message: "could not connect to the upgraded database: \(error)", queries: [])
        }
        defer { connection.close() }
        var queries: [String] = []
        do {
            let column = try await connection.query("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1",
                                                    [relation]).scalar
            guard let column else { return Outcome(verdict: .fail, message: "\(table) has no columns in the upgraded database", queries: queries) }
            let attempts = [("a DELETE", "DELETE FROM \(relation) WHERE ctid = (SELECT ctid FROM \(relation) LIMIT 1) RETURNING 1"),
                            ("an UPDATE", "UPDATE \(relation) SET \(column) = \(column) WHERE ctid = (SELECT ctid FROM \(relation) LIMIT 1) RETURNING 1")]
            var refusals: [String] = []
            for (name, sql) in attempts {
                queries.append(sql)
                try await connection.query("BEGIN")
                try await connection.query("SET LOCAL lock_timeout = '5s'")
                try await connection.query("SET LOCAL statement_timeout = '30s'")
                do {
                    let result = try await connection.query(sql)
                    _ = try? await connection.query("ROLLBACK")
                    if result.rows.isEmpty {
                        return Outcome(verdict: .error, message: "\(table) is empty, so whether its guard refuses \(name) cannot be shown", queries: queries)
                    }
                    return Outcome(verdict: .fail, message: "the immutability guard on \(table) no longer fires: \(name) of a row went through "
                                   + "(rolled back, nothing kept); a migration dropped or disabled it", queries: queries)
                } catch let error as PostgresError {
                    _ = try? await connection.query("ROLLBACK")
                    if error.sqlState == "23503" {
                        return Outcome(verdict: .error, message: "a foreign key refused \(name) on \(table) before its guard could: "
                                       + "whether the guard fires cannot be shown", queries: queries)
                    }
                    refusals.append("\(name): \(error.message.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
            }
            return Outcome(verdict: .pass, message: "the guard on \(table) refused " + refusals.joined(separator: "; "), queries: queries)
        } catch {
            _ = try? await connection.query("ROLLBACK")
            return Outcome(verdict: .error, message: "could not try the guard on \(table): \(error)", queries: queries)
        }
    }
}
