/// The harness's first connection to the database a target created, and the server's version for the record.
enum RestoredDatabase {
    static func connect(_ parameters: ConnectionParameters, _ record: inout DrillRecord) async throws -> (PostgresConnection, version: String) {
        let connection = try await PostgresConnection.connect(parameters)
        let version = try await connection.query("SHOW server_version").scalar ?? "?"
        record.environment?.serverVersion = "PostgreSQL \(version)"
        return (connection, version)
    }
}
