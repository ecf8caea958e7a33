extension CheckTranscript {
    /// Counts from the shared pass where another check scans the table too; the rest in one
    /// statement, each branch tagged by position, never by a name spliced into a string literal.
    func exactRowCounts(of present: [String]) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for table in present {
            counts[table] = await sharedRowCount(of: table.sqlQualifiedIdentifier)
        }
        let tables = present.filter { counts[$0] == nil }
        guard !tables.isEmpty else { return counts }
        let sql = tables.enumerated().map { position, table in
            "SELECT \(position) AS position, count(*) AS row_count FROM \(table.sqlQualifiedIdentifier)"
        }.joined(separator: "\nUNION ALL\n")
        let result = try await query(sql)
        for row in result.rows {
            guard let position = row[0].flatMap({ Int($0) }), tables.indices.contains(position),
                  let count = row[1].flatMap({ Int64($0) }) else { continue }
            counts[tables[position]] = count
        }
        return counts
    }
}
