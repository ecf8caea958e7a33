import Foundation

/// `sequences`: every sequence that feeds a column is at or past the highest value in every
/// column it feeds. A dump restored with sequences from an older state hands out numbers
/// that already exist, and the first insert after the restore fails.
///
/// A sequence feeds a column as a serial (`OWNED BY`), an identity, or through a column
/// `DEFAULT nextval('…')` with no `OWNED BY` at all (hand-written and older schemas). One
/// sequence may feed several tables (a shared id space) and a partitioned table's partitions:
/// it must be past the highest of them all, and a partition is read through its parent.
///
/// `ignore` takes `name` (schema public) or `schema.name`. A sequence feeding a column that
/// is not a number cannot be compared and is an error until it is ignored.
public struct SequencesCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: SequencesCheckSpec

    static let listedBehind = 20
    static let comparableTypes: Set<String> = ["int2", "int4", "int8", "numeric"]

    public init(spec: CheckSpec, settings: SequencesCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "sequences" }

    /// A column a sequence feeds, straight from the catalog.
    struct FedColumn {
        var tableOID: String
        /// The tables it inherits from (a partition's parent), by oid.
        var parentOIDs: Set<String>
        var tableSchema: String
        var tableName: String
        var columnName: String
        var columnType: String

        var name: String { CheckWording.column(schema: tableSchema, table: tableName, column: columnName) }
    }

    /// A sequence and every column it feeds.
    struct FedSequence {
        var sequenceSchema: String
        var sequenceName: String
        var increment: Int64
        var columns: [FedColumn]

        var sequence: String { sequenceSchema + "." + sequenceName }
        var ascending: Bool { increment > 0 }
        var columnList: String { columns.map(\.name).joined(separator: ", ") }
    }

    /// Serial columns (`deptype` 'a', OWNED BY) and identity columns ('i') depend on their
    /// sequence; a column default that calls `nextval` depends on it through `pg_attrdef`,
    /// whether or not anything owns the sequence.
    static let fedColumnsSQL = """
        WITH feeds AS (
            SELECT dependency.objid AS sequence_oid, dependency.refobjid AS table_oid, dependency.refobjsubid AS column_number
            FROM pg_depend dependency
            WHERE dependency.classid = 'pg_class'::regclass
              AND dependency.refclassid = 'pg_class'::regclass
              AND dependency.deptype IN ('a', 'i')
              AND dependency.refobjsubid > 0
            UNION
            SELECT dependency.refobjid, column_default.adrelid, column_default.adnum
            FROM pg_attrdef column_default
            JOIN pg_depend dependency
              ON dependency.classid = 'pg_attrdef'::regclass AND dependency.objid = column_default.oid
             AND dependency.refclassid = 'pg_class'::regclass
        )
        SELECT sequence_namespace.nspname AS sequence_schema,
               sequence_class.relname AS sequence_name,
               sequence_settings.seqincrement AS increment,
               table_class.oid::text AS table_oid,
               (SELECT string_agg(inheritance.inhparent::text, ' ') FROM pg_inherits inheritance
                WHERE inheritance.inhrelid = table_class.oid) AS parent_oids,
               table_namespace.nspname AS table_schema,
               table_class.relname AS table_name,
               attribute.attname AS column_name,
               base.typname AS column_type
        FROM feeds
        JOIN pg_class sequence_class ON sequence_class.oid = feeds.sequence_oid AND sequence_class.relkind = 'S'
        JOIN pg_namespace sequence_namespace ON sequence_namespace.oid = sequence_class.relnamespace
        JOIN pg_sequence sequence_settings ON sequence_settings.seqrelid = sequence_class.oid
        JOIN pg_class table_class ON table_class.oid = feeds.table_oid AND table_class.relkind IN ('r', 'p')
        JOIN pg_namespace table_namespace ON table_namespace.oid = table_class.relnamespace
        JOIN pg_attribute attribute
          ON attribute.attrelid = table_class.oid AND attribute.attnum = feeds.column_number AND NOT attribute.attisdropped
        JOIN pg_type declared ON declared.oid = attribute.atttypid
        JOIN pg_type base
          ON base.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype ELSE declared.oid END
        ORDER BY 1, 2, 6, 7, 8
        """

    /// The rows grouped by sequence, in the catalog's order. A column of a table that inherits
    /// the same column of a parent the same sequence feeds (a partition) is left out: reading
    /// the parent reads it too, and once is enough. Only tables hold what a sequence handed out
    /// (a view's or a foreign table's default is not read: the latter would reach another server).
    static func fedSequences(_ rows: [[String?]]) -> [FedSequence] {
        var sequences: [FedSequence] = []
        for row in rows {
            let column = FedColumn(tableOID: row[3] ?? "", parentOIDs: Set((row[4] ?? "").split(separator: " ").map(String.init)),
                                   tableSchema: row[5] ?? "", tableName: row[6] ?? "", columnName: row[7] ?? "", columnType: row[8] ?? "")
            if let last = sequences.last, last.sequenceSchema == row[0], last.sequenceName == row[1] {
                sequences[sequences.count - 1].columns.append(column)
            } else {
                sequences.append(FedSequence(sequenceSchema: row[0] ?? "", sequenceName: row[1] ?? "",
                                             increment: Int64(row[2] ?? "") ?? 1, columns: [column]))
            }
        }
        return sequences.map { sequence in
            var read = sequence
            let fed = Set(sequence.columns.map { $0.tableOID + "." + $0.columnName })
            read.columns = sequence.columns.filter { column in
                !column.parentOIDs.contains { fed.contains($0 + "." + column.columnName) }
            }
            return read
        }
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        if transcript.engine == .sqlite { return await runOnSQLite(transcript) }
        let fed: [FedSequence]
        do {
            fed = Self.fedSequences(try await transcript.query(Self.fedColumnsSQL).rows)
        } catch {
            transcript.record(error, while: "list the sequences that feed columns")
            return transcript.outcome(passing: "")
        }

        let ignored = Set(settings.ignore.map(Manifest.qualified))
        let unknownIgnores = ignored.subtracting(fed.map(\.sequence)).sorted()
        var compared: [FedSequence] = []
        for sequence in fed where !ignored.contains(sequence.sequence) {
            let uncomparable = sequence.columns.filter { !Self.comparableTypes.contains($0.columnType) }
            // Its number columns are compared even when it also feeds text: one that is behind
            // must not hide behind another that cannot be compared.
            var numbers = sequence
            numbers.columns = sequence.columns.filter { Self.comparableTypes.contains($0.columnType) }
            if !numbers.columns.isEmpty {
                compared.append(numbers)
            }
            for column in uncomparable {
                transcript.cannotVerify("\(sequence.sequence) feeds \(column.name), a \(column.columnType) column, "
                                        + "which cannot be compared with a sequence; list it under ignore with the reason")
            }
        }

        var behind: [String] = []
        if !compared.isEmpty {
            do {
                let rows = try await transcript.query(comparisonSQL(for: compared)).rows
                for row in rows {
                    guard let position = row[0].flatMap({ Int($0) }), compared.indices.contains(position) else { continue }
                    let sequence = compared[position]
                    let at = row[1] ?? "NULL"
                    let reach = row[2]
                    let highestIndex = row[3].flatMap { Int($0) }.flatMap { sequence.columns.indices.contains($0) ? $0 : nil }
                    let highest = highestIndex.map { sequence.columns[$0].name } ?? sequence.columnList
                    let others = sequence.columns.indices.filter { $0 != highestIndex }.map { sequence.columns[$0].name }
                    let sufficient = row[4] == "t"
                    let bound = sequence.ascending ? "≥" : "≤"
                    let columnsNote = highest + (others.isEmpty ? "" : "; it also feeds " + others.joined(separator: ", "))
                    transcript.observe(sequence.sequence,
                                       expected: reach.map { "\(bound) \($0) (\(columnsNote))" }
                                           ?? "any (\(sequence.columnList) \(sequence.columns.count == 1 ? "is" : "are") empty)",
                                       actual: at, ok: sufficient)
                    if !sufficient, let reach {
                        let verb = sequence.ascending ? "reaches" : "goes down to"
                        behind.append("\(sequence.sequence) is at \(at) but \(highest) \(verb) \(reach)"
                                      + (others.isEmpty ? "" : " (it also feeds " + others.joined(separator: ", ") + ")"))
                    }
                }
            } catch {
                transcript.record(error, while: "compare the sequences with their columns")
                return transcript.outcome(passing: "")
            }
        }
        if !behind.isEmpty {
            let consequence = behind.count == 1 ? "the next insert will collide" : "the next inserts will collide"
            transcript.fail(CheckWording.list(behind, limit: Self.listedBehind) + ": " + consequence)
        }

        var summary = compared.isEmpty && fed.isEmpty
            ? "no sequence feeds a column, so none can collide"
            : "\(CheckWording.count(Int64(compared.count), "sequence")) at or past the highest value of their column"
        let ignoredCount = fed.filter { ignored.contains($0.sequence) }.count
        if ignoredCount > 0 { summary += "; \(ignoredCount) ignored" }
        if !unknownIgnores.isEmpty { summary += "; ignore names no sequence that feeds a column: " + unknownIgnores.joined(separator: ", ") }
        return transcript.outcome(passing: summary)
    }

    /// One statement for all sequences. A sequence not yet called (`is_called` false) has
    /// handed out nothing past `last_value - increment`; each column's max (min for a
    /// descending sequence) is read with an aggregate, never row by row, and the highest of a
    /// sequence's columns is the one it must be past.
    func comparisonSQL(for sequences: [FedSequence]) -> String {
        sequences.enumerated().map { position, sequence in
            let sequenceName = sequence.sequenceSchema.sqlIdentifier + "." + sequence.sequenceName.sqlIdentifier
            let extreme = sequence.ascending ? "max" : "min"
            let comparison = sequence.ascending ? ">=" : "<="
            let columns = sequence.columns.enumerated().map { index, column in
                let tableName = column.tableSchema.sqlIdentifier + "." + column.tableName.sqlIdentifier
                return "SELECT \(extreme)(\(column.columnName.sqlIdentifier))::numeric AS value, \(index) AS source FROM \(tableName)"
            }.joined(separator: " UNION ALL ")
            return """
                SELECT \(position) AS position,
                       sequence_state.handed_out::text AS sequence_at,
                       column_reach.value::text AS column_reaches,
                       column_reach.source AS highest_column,
                       (column_reach.value IS NULL OR sequence_state.handed_out \(comparison) column_reach.value) AS sufficient
                FROM (SELECT CASE WHEN is_called THEN last_value::numeric
                                  ELSE last_value::numeric - (\(sequence.increment)) END AS handed_out
                      FROM \(sequenceName)) AS sequence_state,
                     (SELECT value, source FROM (\(columns)) AS each_column
                      ORDER BY value \(sequence.ascending ? "DESC" : "ASC") NULLS LAST LIMIT 1) AS column_reach
                """
        }.joined(separator: "\nUNION ALL\n")
    }
}
