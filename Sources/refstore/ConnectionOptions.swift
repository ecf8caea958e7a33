import ArgumentParser
import DrillKit

/// Where to connect. Anything left out falls through to libpq's own defaults and PG*
/// variables; there is deliberately no password flag, so a password never lands in argv.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server host or unix socket directory (default: PGHOST).")
    var host: String?

    @Option(help: "Server port (default: PGPORT).")
    var port: Int?

    @Option(help: "Database user (default: PGUSER).")
    var user: String?

    @Option(help: "Database name (default: PGDATABASE).")
    var dbname: String?

    func connect() async throws -> PostgresConnection {
        var parameters = ConnectionParameters(host: host, port: port, user: user, password: nil, database: dbname)
        parameters.applicationName = "refstore"
        do {
            return try await PostgresConnection.connect(parameters)
        } catch let error as PostgresError {
            throw ConnectionFailure(reason: error.message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

struct ConnectionFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { "could not connect to PostgreSQL: \(reason)" }
}
