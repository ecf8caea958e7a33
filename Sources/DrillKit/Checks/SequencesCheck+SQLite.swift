/// `sequences` on a SQLite store: each AUTOINCREMENT table's row in `sqlite_sequence` is at
/// or past its highest rowid. SQLite never hands out a rowid at or below either, so a lower
/// `sqlite_sequence` says the table and its counter come from different moments (a file
/// copied mid-write), and ids production handed out and deleted since may be handed out again.
extension SequencesCheck {
    /// Tables declared with AUTOINCREMENT, the only ones SQLite keeps a counter for.
    static let autoincrementTablesSQL = """
        SELECT name FROM sqlite_schema
        WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        ORDER BY name
        """

    func runOnSQLite(_ transcript: CheckTranscript) async -> CheckOutcome {
        let ignored = Set(settings.ignore.flatMap { [$0, "main." + $0] })
        let tables: [String]
        do {
            tables = try await transcript.query(Self.autoincrementTablesSQL).rows.compactMap { $0.first ?? nil }
        } catch {
            transcript.record(error, while: "list the AUTOINCREMENT tables")
            return transcript.outcome(passing: "")
        }
        let compared = tables.filter { !ignored.contains($0) }
        let unknownIgnores = settings.ignore.filter { name in !tables.contains(name) && !tables.contains { "main." + $0 == name } }
        guard !compared.isEmpty else {
            let summary = tables.isEmpty ? "no table uses AUTOINCREMENT, so SQLite keeps no counter to fall behind"
                : "every AUTOINCREMENT table is ignored"
            return transcript.outcome(passing: summary)
        }
        let sql = compared.enumerated().map { position, table in
            """
            SELECT \(position) AS position,
                   (SELECT CAST(seq AS TEXT) FROM sqlite_sequence WHERE name = '\(table.replacingOccurrences(of: "'", with: "''"))') AS counter,
                   (SELECT CAST(max(rowid) AS TEXT) FROM \(table.sqlIdentifier)) AS highest_rowid
            """
        }.joined(separator: "\nUNION ALL\n")
        var behind: [String] = []
        do {
            for row in try await transcript.query(sql).rows {
                guard let position = row[0].flatMap({ Int($0) }), compared.indices.contains(position) else { continue }
                let table = compared[position]
                let counter = row[1].flatMap { Int64($0) }
                let highest = row[2].flatMap { Int64($0) }
                let ok = highest == nil || (counter ?? Int64.min) >= highest!
                transcript.observe("sqlite_sequence \(table)", expected: highest.map { "≥ \($0) (its highest rowid)" } ?? "any (\(table) is empty)",
                                   actual: counter.map(String.init) ?? "no row", ok: ok)
                guard !ok, let highest else { continue }
                if let counter {
                    behind.append("sqlite_sequence says \(table) is at \(counter), but its rowids reach \(highest)")
                } else {
                    behind.append("sqlite_sequence has no row for \(table), whose rowids reach \(highest)")
                }
            }
        } catch {
            transcript.record(error, while: "compare sqlite_sequence with the tables' rowids")
            return transcript.outcome(passing: "")
        }
        if !behind.isEmpty {
            transcript.fail(CheckWording.list(behind, limit: Self.listedBehind)
                            + ": the counter and the table come from different moments, and ids production handed out "
                            + "and deleted may be handed out again")
        }
        var summary = "\(CheckWording.count(Int64(compared.count), "AUTOINCREMENT counter")) at or past the highest rowid of their table"
        if compared.count < tables.count { summary += "; \(tables.count - compared.count) ignored" }
        if !unknownIgnores.isEmpty { summary += "; ignore names no AUTOINCREMENT table: " + unknownIgnores.joined(separator: ", ") }
        return transcript.outcome(passing: summary)
    }
}
