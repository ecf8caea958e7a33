import Foundation

/// `sequences`: every sequence owned by a column (serial or identity) is at or past the
/// highest value in that column. A dump restored with sequences from an older state hands
/// out numbers that already exist, and the first insert after the restore fails.
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

    /// A sequence and the column it feeds, straight from the catalog.
    struct OwnedSequence {
        var sequenceSchema: String
        var sequenceName: String
        var tableSchema: String
        var tableName: String
        var columnName: String
        var columnType: String
        var increment: Int64

        var sequence: String { sequenceSchema + "." + sequenceName }
        var column: String { CheckWording.column(schema: tableSchema, table: tableName, column: columnName) }
        var ascending: Bool { increment > 0 }
    }

    /// `deptype` 'a' links a serial column to its sequence (OWNED BY), 'i' an identity column.
    static let ownedSequencesSQL = """
        SELECT sequence_namespace.nspname AS sequence_schema,
               sequence_class.relname AS sequence_name,
               table_namespace.nspname AS table_schema,
               table_class.relname AS table_name,
               attribute.attname AS column_name,
               base.typname AS column_type,
               sequence_settings.seqincrement AS increment
        FROM pg_depend dependency
        JOIN pg_class sequence_class
          ON sequence_class.oid = dependency.objid AND sequence_class.relkind = 'S'
        JOIN pg_namespace sequence_namespace ON sequence_namespace.oid = sequence_class.relnamespace
        JOIN pg_sequence sequence_settings ON sequence_settings.seqrelid = sequence_class.oid
        JOIN pg_class table_class ON table_class.oid = dependency.refobjid
        JOIN pg_namespace table_namespace ON table_namespace.oid = table_class.relnamespace
        JOIN pg_attribute attribute
          ON attribute.attrelid = table_class.oid AND attribute.attnum = dependency.refobjsubid
        JOIN pg_type declared ON declared.oid = attribute.atttypid
        JOIN pg_type base
          ON base.oid = CASE WHEN declared.typtype = 'd' THEN declared.typbasetype ELSE declared.oid END
        WHERE dependency.classid = 'pg_class'::regclass
          AND dependency.refclassid = 'pg_class'::regclass
          AND dependency.deptype IN ('a', 'i')
          AND dependency.refobjsubid > 0
        ORDER BY 1, 2
        """

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let owned: [OwnedSequence]
        do {
            owned = try await transcript.query(Self.ownedSequencesSQL).rows.map { row in
                OwnedSequence(sequenceSchema: row[0] ?? "", sequenceName: row[1] ?? "", tableSchema: row[2] ?? "",
                              tableName: row[3] ?? "", columnName: row[4] ?? "", columnType: row[5] ?? "",
                              increment: Int64(row[6] ?? "") ?? 1)
            }
        } catch {
            transcript.record(error, while: "list the sequences owned by columns")
            return transcript.outcome(passing: "")
        }

        let ignored = Set(settings.ignore.map(Manifest.qualified))
        let unknownIgnores = ignored.subtracting(owned.map(\.sequence)).sorted()
        var compared: [OwnedSequence] = []
        for sequence in owned where !ignored.contains(sequence.sequence) {
            if Self.comparableTypes.contains(sequence.columnType) {
                compared.append(sequence)
            } else {
                transcript.cannotVerify("\(sequence.sequence) feeds \(sequence.column), a \(sequence.columnType) column, "
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
                    let sufficient = row[3] == "t"
                    let bound = sequence.ascending ? "≥" : "≤"
                    transcript.observe(sequence.sequence,
                                       expected: reach.map { "\(bound) \($0) (\(sequence.column))" } ?? "any (\(sequence.column) is empty)",
                                       actual: at, ok: sufficient)
                    if !sufficient, let reach {
                        let verb = sequence.ascending ? "reaches" : "goes down to"
                        behind.append("\(sequence.sequence) is at \(at) but \(sequence.column) \(verb) \(reach)")
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

        var summary = compared.isEmpty && owned.isEmpty
            ? "no sequence is owned by a column, so none can collide"
            : "\(CheckWording.count(Int64(compared.count), "sequence")) at or past the highest value of their column"
        let ignoredCount = owned.filter { ignored.contains($0.sequence) }.count
        if ignoredCount > 0 { summary += "; \(ignoredCount) ignored" }
        if !unknownIgnores.isEmpty { summary += "; ignore names no owned sequence: " + unknownIgnores.joined(separator: ", ") }
        return transcript.outcome(passing: summary)
    }

    /// One statement for all sequences. A sequence not yet called (`is_called` false) has
    /// handed out nothing past `last_value - increment`; the column's max (min for a
    /// descending sequence) is read with an aggregate, never row by row.
    func comparisonSQL(for sequences: [OwnedSequence]) -> String {
        sequences.enumerated().map { position, sequence in
            let sequenceName = sequence.sequenceSchema.sqlIdentifier + "." + sequence.sequenceName.sqlIdentifier
            let tableName = sequence.tableSchema.sqlIdentifier + "." + sequence.tableName.sqlIdentifier
            let extreme = sequence.ascending ? "max" : "min"
            let comparison = sequence.ascending ? ">=" : "<="
            return """
                SELECT \(position) AS position,
                       sequence_state.handed_out::text AS sequence_at,
                       column_reach.value::text AS column_reaches,
                       (column_reach.value IS NULL OR sequence_state.handed_out \(comparison) column_reach.value) AS sufficient
                FROM (SELECT CASE WHEN is_called THEN last_value::numeric
                                  ELSE last_value::numeric - (\(sequence.increment)) END AS handed_out
                      FROM \(sequenceName)) AS sequence_state,
                     (SELECT \(extreme)(\(sequence.columnName.sqlIdentifier))::numeric AS value
                      FROM \(tableName)) AS column_reach
                """
        }.joined(separator: "\nUNION ALL\n")
    }
}
