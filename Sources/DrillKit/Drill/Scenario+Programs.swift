import Foundation

/// What every program the drill starts for the app or a check runs with.
extension Scenario {
    /// The scenario's folder: relative paths in its commands are relative to it, like every path in it.
    var folder: String? {
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? nil : folder
    }

    /// `variables` with none of the scenario's secrets and no inherited `MASTER_KEY`: a key
    /// inherited from CI would make a backup without its key look healthy.
    func withoutSecrets(_ variables: [String: String?]) -> [String: String?] {
        var environment = variables
        for name in secretVariables + ["MASTER_KEY"] { environment[name] = .some(nil) }
        return environment
    }
}

extension PostgresClientIsolation {
    /// The `PG*` variables that reach `database`, over everything else libpq would read.
    static func variables(for database: ConnectionParameters) -> [String: String?] {
        isolated(["PGHOST": database.host, "PGPORT": database.port.map(String.init), "PGUSER": database.user,
                  "PGPASSWORD": database.password, "PGDATABASE": database.database, "PGSSLMODE": "disable"])
    }
}
