/// `sequences` on a SQLite store: each AUTOINCREMENT table's row in `sqlite_sequence` is at
/// or past its highest rowid. SQLite never hands out a rowid at or below either, so a lower
/// `sqlite_sequence` says the table and its counter come from different moments (a file
/// copied mid-write), and ids production handed out and deleted since may be handed out again.
extension SequencesCheck {
    /// Every table with the statement that made it; which ones are AUTOINCREMENT is read from
    /// the statement's words (`autoincrementDeclared`), not a LIKE that a comment or default matches.
    static let tablesSQL = """
        SELECT name, sql FROM sqlite_schema
        WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        ORDER BY name
        """

    /// True when `statement` declares AUTOINCREMENT outside its quoted names, strings and comments.
    static func autoincrementDeclared(_ statement: String) -> Bool {
        var words: [String] = []
        var word = ""
        var index = statement.startIndex
        func flush() { if !word.isEmpty { words.append(word.uppercased()); word = "" } }
        while index < statement.endIndex {
            let character = statement[index]
            let closing: Character? = switch character {
            case "'": "'"
            case "\"": "\""
            case "`": "`"
            case "[": "]"
            default: nil
            }
            if let closing {
                flush()
                index = statement[statement.index(after: index)...].firstIndex(of: closing).map { statement.index(after: $0) } ?? statement.endIndex
                continue
            }
            if statement[index...].hasPrefix("--") {
                flush()
                index = statement[index...].firstIndex(of: "\n") ?? statement.endIndex
                continue
            }
            if statement[index...].hasPrefix("/*") {
                flush()
                index = statement[index...].range(of: "*/")?.upperBound ?? statement.endIndex
                continue
            }
            if character.isLetter || character.isNumber || character == "_" { word.append(character) } else { flush() }
            index = statement.index(after: index)
        }
        flush()
        return words.contains("AUTOINCREMENT")
    }

    func runOnSQLite(_ transcript: CheckTranscript) async -> CheckOutcome {
        let ignored = Set(settings.ignore.map { name in (name.lowercased().hasPrefix("main.") ? String(name.dropFirst(5)) : name).lowercased() })
        let tables: [String]
        let counterTable: Bool
        do {
            tables = try await transcript.query(Self.tablesSQL).rows.compactMap { row in
                guard let name = row[0], let statement = row[1], Self.autoincrementDeclared(statement) else { return nil }
                return name
            }
            counterTable = try await transcript.query("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'").scalar == "1"
        } catch {
            transcript.record(error, while: "list the AUTOINCREMENT tables")
            return transcript.outcome(passing: "")
        }
        let compared = tables.filter { !ignored.contains($0.lowercased()) }
        let unknownIgnores = settings.ignore.filter { name in
            let bare = (name.lowercased().hasPrefix("main.") ? String(name.dropFirst(5)) : name).lowercased()
            return !tables.contains { $0.lowercased() == bare }
        }
        guard !compared.isEmpty else {
            let summary = tables.isEmpty ? "no table uses AUTOINCREMENT, so SQLite keeps no counter to fall behind"
                : "every AUTOINCREMENT table is ignored"
            return transcript.outcome(passing: summary)
        }
        // SQLite makes sqlite_sequence with the first AUTOINCREMENT table; without it every counter is gone.
        let counter = { (table: String) in
            counterTable ? "(SELECT CAST(seq AS TEXT) FROM sqlite_sequence WHERE name = '\(table.replacingOccurrences(of: "'", with: "''"))')" : "NULL"
        }
        let sql = compared.enumerated().map { position, table in
            """
            SELECT \(position) AS position,
                   \(counter(table)) AS counter,
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
