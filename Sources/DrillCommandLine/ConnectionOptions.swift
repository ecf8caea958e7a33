import ArgumentParser
import DrillKit

/// Where to connect, for the commands that reach a real (production) database: `refstore`
/// and `restore-drill manifest`. Anything left out falls through to libpq's own defaults and
/// PG* variables; there is deliberately no password flag, so a password never lands in argv.
public struct ConnectionOptions: ParsableArguments {
    @Option(help: "Server host or unix socket directory (default: PGHOST).")
    public var host: String?

    @Option(help: "Server port (default: PGPORT).")
    public var port: Int?

    @Option(help: "Database user (default: PGUSER).")
    public var user: String?

    @Option(help: "Database name (default: PGDATABASE).")
    public var dbname: String?

    public init() {}

    public func parameters(applicationName: String) -> ConnectionParameters {
        var parameters = ConnectionParameters(host: host, port: port, user: user, password: nil, database: dbname)
        parameters.applicationName = applicationName
        return parameters
    }

    public func connect(applicationName: String) async throws -> PostgresConnection {
        let parameters = parameters(applicationName: applicationName)
        do {
            return try await PostgresConnection.connect(parameters)
        } catch let error as PostgresError {
            throw ConnectionFailure(reason: error.message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}

public struct ConnectionFailure: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "could not connect to PostgreSQL: \(reason)" }
}
