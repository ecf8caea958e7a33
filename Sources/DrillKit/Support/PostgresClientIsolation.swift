/// libpq reads more than `PGHOST` and friends from the environment, and a service file's
/// settings win over the variables: a harness started with `PGSERVICE=prod` (or `PGHOSTADDR`,
/// or a `.pgpass` pointing elsewhere) would send a client program meant for the throwaway to
/// production. Every program the drill starts against the restored database gets these unset.
enum PostgresClientIsolation {
    static let names = [
        "PGSERVICE", "PGSERVICEFILE", "PGSYSCONFDIR", "PGHOSTADDR", "PGOPTIONS", "PGTARGETSESSIONATTRS", "PGPASSFILE",
        "PGSSLCERT", "PGSSLKEY", "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGREQUIRESSL", "PGGSSENCMODE",
        "PGKRBSRVNAME", "PGGSSLIB", "PGREQUIREAUTH", "PGCHANNELBINDING", "PGLOADBALANCEHOSTS",
    ]

    static var unset: [String: String?] {
        var variables: [String: String?] = [:]
        for name in names { variables[name] = .some(nil) }
        return variables
    }

    /// `variables` with the throwaway's own settings, over everything else libpq would read.
    static func isolated(_ variables: [String: String?]) -> [String: String?] {
        unset.merging(variables) { _, own in own }
    }
}
