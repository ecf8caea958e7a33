import Foundation

/// What the restored catalog says about one table and, optionally, one of its columns.
struct ColumnFacts: Sendable, Equatable {
    var tableExists: Bool
    var columnExists: Bool
    /// As PostgreSQL writes it: `double precision`, `numeric(12,2)`, `bigint`.
    var declaredType: String?
    /// `pg_type.typname` after unwrapping a domain: `int8`, `numeric`, `float8`, `money`.
    var baseType: String?
    /// The declared scale of a `numeric` column; nil when unconstrained or not numeric.
    var numericScale: Int?
}

/// Looks tables and columns up in the catalog before a check queries them, so a table the
/// backup lost is reported by name instead of as a failed query.
enum RestoredCatalog {
    /// Names resolve through `to_regclass` on the quoted form, exactly as the checks' own
    /// queries will resolve them (search_path included). The numeric scale decoding follows
    /// PostgreSQL 15's typmod layout, which also reads older servers' non-negative scales.
    static let describeSQL = """
        SELECT target.position,
               to_regclass(target.relation) IS NOT NULL AS table_exists,
               attribute.attnum IS NOT NULL AS column_exists,
               format_type(attribute.atttypid, attribute.atttypmod) AS declared_type,
               base.typname AS base_type,
               CASE WHEN base.typname = 'numeric' AND modifier.typmod >= 4
                    THEN (((modifier.typmod - 4) & 2047) # 1024) - 1024 END AS numeric_scale
        FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS target(relation, column_name, position)
        LEFT JOIN pg_attribute attribute
               ON attribute.attrelid = to_regclass(target.relation)
              AND attribute.attname = target.column_name
              AND attribute.attnum > 0
              AND NOT attribute.attisdropped
        LEFT JOIN pg_type declared ON declared.oid = attribute.atttypid
        LEFT JOIN pg_type base
               ON base.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype ELSE declared.oid END
        LEFT JOIN LATERAL (
            SELECT CASE WHEN declared.typtype = 'd' THEN declared.typtypmod ELSE attribute.atttypmod END AS typmod
        ) modifier ON true
        ORDER BY target.position
        """

    /// One `ColumnFacts` per target, in order. A nil column asks only whether the table exists.
    static func describe(_ targets: [(table: String, column: String?)],
                         in transcript: CheckTranscript) async throws -> [ColumnFacts] {
        guard !targets.isEmpty else { return [] }
        if transcript.engine == .sqlite { return try await describeSQLite(targets, in: transcript) }
        let relations = PostgresArrayLiteral.text(targets.map { $0.table.sqlQualifiedIdentifier })
        let columns = PostgresArrayLiteral.text(targets.map(\.column))
        let result = try await transcript.query(describeSQL, [relations, columns])
        return result.rows.map { row in
            ColumnFacts(tableExists: row[1] == "t", columnExists: row[2] == "t",
                        declaredType: row[3], baseType: row[4], numericScale: row[5].flatMap { Int($0) })
        }
    }

    /// SQLite's catalog through `pragma_table_info` (which answers no rows for a table that
    /// is not there). Its declared type names an affinity, which stands in for PostgreSQL's base
    /// type: INTEGER affinity as `int8`, REAL as `float8`, NUMERIC (with a `DECIMAL(p,s)` scale) as `numeric`.
    static let describeSQLiteSQL = """
        SELECT count(*) AS columns,
               max(CASE WHEN name = $3 COLLATE NOCASE THEN 1 ELSE 0 END) AS column_exists,
               max(CASE WHEN name = $3 COLLATE NOCASE THEN type END) AS declared_type
        FROM pragma_table_info($1, $2)
        """

    static func describeSQLite(_ targets: [(table: String, column: String?)],
                               in transcript: CheckTranscript) async throws -> [ColumnFacts] {
        var facts: [ColumnFacts] = []
        for target in targets {
            let parts = target.table.split(separator: ".", maxSplits: 1).map(String.init)
            let (schema, table) = parts.count == 2 ? (parts[0], parts[1]) : ("main", parts[0])
            let row = try await transcript.query(describeSQLiteSQL, [table, schema, target.column]).rows.first ?? []
            let exists = (row.first.flatMap { $0.flatMap { Int($0) } } ?? 0) > 0
            let columnExists = target.column != nil && row.count > 1 && row[1] == "1"
            let declared = columnExists ? (row.count > 2 ? row[2] ?? "" : "") : nil
            let affinity = declared.map(SQLiteAffinity.init(declaredType:))
            facts.append(ColumnFacts(tableExists: exists, columnExists: columnExists,
                                     declaredType: declared.map { $0.isEmpty ? "declared without a type" : $0 },
                                     baseType: affinity?.standInBaseType, numericScale: declared.flatMap(SQLiteAffinity.scale)))
        }
        return facts
    }

    static func describe(table: String, column: String?, in transcript: CheckTranscript) async throws -> ColumnFacts? {
        try await describe([(table, column)], in: transcript).first
    }
}
