import Foundation

/// `integrity`: PostgreSQL's own structure checks on the restored database, with the
/// `amcheck` extension: every table's heap (`verify_heapam`, PostgreSQL 14 and later) and
/// every B-tree index (`bt_index_check`, with `heapallindexed`: every heap tuple has its
/// entry). A restore that copied pages (point-in-time recovery) can carry production's
/// damage; a logical restore rebuilds them, and this proves it did. It stops at its time
/// budget, and what it did not reach is said, never passed.
public struct IntegrityCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: IntegrityCheckSpec

    static let listed = 20

    public init(spec: CheckSpec, settings: IntegrityCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "integrity (amcheck)" }
    /// It creates the `amcheck` extension in the throwaway, so it runs after the checks that read.
    public var writes: Bool { true }

    static let relationsSQL = """
        SELECT c.oid::regclass::text AS relation, CASE WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END AS kind
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_am am ON am.oid = c.relam
        LEFT JOIN pg_index i ON i.indexrelid = c.oid
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND n.nspname NOT LIKE 'pg_temp%' AND c.relpersistence <> 't'
          AND ((c.relkind IN ('r', 'm') AND c.relispopulated AND am.amname = 'heap')
               OR (c.relkind = 'i' AND am.amname = 'btree' AND i.indisvalid AND i.indisready))
        ORDER BY 2 DESC, 1
        """

    static let heapSQL = """
        SELECT blkno::text, coalesce(offnum::text, '-'), msg
        FROM verify_heapam($1::regclass, on_error_stop => false, check_toast => true, skip => 'none') LIMIT 5
        """

    /// Collation versions the restored database recorded (copied from production by a physical
    /// restore) against what this host's C library and ICU provide now.
    static func collationVersionsSQL(serverVersion: Int) -> String {
        let collations = """
            SELECT 'collation ' || collname, collversion, pg_collation_actual_version(oid)
            FROM pg_collation
            WHERE collversion IS NOT NULL AND collversion IS DISTINCT FROM pg_collation_actual_version(oid)
            """
        guard serverVersion >= 150000 else { return collations + " ORDER BY 1" }
        return """
            SELECT 'database ' || datname, datcollversion, pg_database_collation_actual_version(oid)
            FROM pg_database
            WHERE datname = current_database() AND datcollversion IS DISTINCT FROM pg_database_collation_actual_version(oid)
            UNION ALL
            \(collations)
            ORDER BY 1
            """
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let clock = ContinuousClock.now
        let relations: [(name: String, isIndex: Bool)]
        let heapChecks: Bool
        let serverVersion: Int
        do {
            try await transcript.query("CREATE EXTENSION IF NOT EXISTS amcheck")
            // A recovered cluster may carry an older amcheck (from before verify_heapam): it is a throwaway.
            try await transcript.query("ALTER EXTENSION amcheck UPDATE")
            serverVersion = Int(try await transcript.query("SHOW server_version_num").scalar ?? "") ?? 0
            heapChecks = serverVersion >= 140000
            relations = try await transcript.query(Self.relationsSQL).rows.map { ($0[0] ?? "", $0[1] == "index") }
        } catch {
            transcript.cannotVerify("could not start amcheck in the restored database: \(error) (it ships with PostgreSQL's contrib modules)")
            return transcript.outcome(passing: "")
        }
        var damaged: [String] = []
        var checked = 0
        var unchecked: [String] = []
        for relation in relations {
            let remaining = settings.budgetSeconds - (ContinuousClock.now - clock).seconds
            guard remaining > 0 else {
                unchecked.append(relation.name)
                continue
            }
            if !relation.isIndex && !heapChecks {
                unchecked.append(relation.name)
                continue
            }
            do {
                // A single large relation must not run past the budget either.
                try await context.connection.query("SET statement_timeout = \(max(1, Int(remaining * 1000)))")
                if relation.isIndex {
                    try await transcript.query("SELECT bt_index_check($1::regclass, $2::boolean)",
                                               [relation.name, settings.heapAllIndexed ? "true" : "false"])
                } else {
                    let problems = try await transcript.query(Self.heapSQL, [relation.name]).rows
                    if let first = problems.first {
                        let at = "block \(first[0] ?? "?"), offset \(first[1] ?? "?")"
                        damaged.append("\(relation.name) (\(at): \(first[2] ?? "?"))")
                        transcript.observe(relation.name, expected: "no corruption", actual: "\(at): \(first[2] ?? "?")", ok: false)
                    }
                }
                checked += 1
            } catch let error as PostgresError where error.sqlState == "57014" {
                unchecked.append(relation.name)
            } catch let error as PostgresError where error.sqlState?.hasPrefix("XX") == true {
                // amcheck raises data_corrupted (XX001) or index_corrupted (XX002) for a damaged index.
                let reason = error.message.trimmingCharacters(in: .whitespacesAndNewlines)
                damaged.append("\(relation.name) (\(reason))")
                transcript.observe(relation.name, expected: "no corruption", actual: reason, ok: false)
                checked += 1
            } catch {
                transcript.record(error, while: "check \(relation.name)")
                checked += 1
            }
        }
        do {
            try await context.connection.query("SET statement_timeout = 0")
            let drifted = try await transcript.query(Self.collationVersionsSQL(serverVersion: serverVersion)).rows
            for row in drifted {
                let recorded = row[1] ?? "none", provided = row[2] ?? "none"
                transcript.observe(row[0] ?? "?", expected: "version \(recorded) (recorded)", actual: "version \(provided) (this host)", ok: false)
            }
            if !drifted.isEmpty {
                // After a move to another C library every collation differs the same way: one line per change, counted.
                var changes: [String: [String]] = [:]
                for row in drifted { changes["recorded \(row[1] ?? "none"), this host \(row[2] ?? "none")", default: []].append(row[0] ?? "?") }
                let lines = changes.sorted { $0.key < $1.key }.map { change, names in
                    (names.count == 1 ? names[0] : "\(names[0]) and \(names.count - 1) more") + ": " + change
                }
                transcript.fail("collation versions differ from what the restored database recorded ("
                                + lines.prefix(5).joined(separator: "; ") + (lines.count > 5 ? "; and \(lines.count - 5) more changes" : "")
                                + "): text indexes built where the backup was taken may be out of order here; "
                                + "restore on a host with the same C library and ICU, or REINDEX them")
            } else if serverVersion < 150000 {
                transcript.observe("collation versions", expected: "as recorded", actual: "the database's own not compared (PostgreSQL 15 records it)", ok: true)
            }
        } catch {
            transcript.record(error, while: "compare collation versions")
        }
        let seconds = (ContinuousClock.now - clock).seconds
        let tables = relations.filter { !$0.isIndex }.count, indexes = relations.count - tables
        if !damaged.isEmpty {
            transcript.fail("amcheck found corruption in " + CheckWording.list(damaged, limit: Self.listed)
                            + ": the restored pages are damaged; restore from another backup and check production's storage")
        }
        if !unchecked.isEmpty {
            let why = heapChecks ? "within the budget of \(settings.budgetSeconds >= 60 ? DurationText.formatObjective(settings.budgetSeconds) : DurationText.format(settings.budgetSeconds)); raise integrity.budget"
                                 : "(heap verification needs PostgreSQL 14 or later)"
            transcript.cannotVerify("\(checked) of \(relations.count) relations checked; not checked \(why): "
                                    + CheckWording.list(unchecked, limit: Self.listed))
        }
        transcript.observe("relations checked", expected: String(relations.count), actual: String(checked), ok: unchecked.isEmpty)
        return transcript.outcome(passing: "\(CheckWording.count(Int64(tables), "table")) and \(CheckWording.count(Int64(indexes), "B-tree index", "B-tree indexes")) "
                                  + "verified by amcheck" + (settings.heapAllIndexed ? " (every heap tuple found in each index)" : "")
                                  + " in \(DurationText.format(seconds))")
    }
}
