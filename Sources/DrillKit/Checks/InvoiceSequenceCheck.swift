import Foundation

/// `invoice_sequence`: invoice numbers run from 1 without gaps or duplicates in every
/// series, the latest equals what production last issued, and the application's own
/// next-number source agrees. Invoices are immutable (deleting one is forbidden), so a
/// series that does not start at 1 lost its first invoices: nothing is allowed to prune them.
///
/// Numbers may be integers or text digits (leading zeros ignored, up to bigint's maximum);
/// anything else, NULL and 0 included, fails as not a whole number from 1 up. Against the
/// manifest, a restored series production did not report fails too (the manifest is taken in
/// the dump's own snapshot); explicit `latest` values are compared only for the series they name.
public struct InvoiceSequenceCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: InvoiceSequenceCheckSpec

    /// More series than this means `series` names the wrong column (one series per invoice).
    static let seriesLimit = 1000
    static let listedDuplicates = 20
    static let listedInvalidNumbers = 3

    public init(spec: CheckSpec, settings: InvoiceSequenceCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String {
        "invoice sequence: \(numberColumn)" + (settings.series.map { " per \($0)" } ?? "")
    }

    private var numberColumn: String { "\(settings.table).\(settings.column)" }

    public var manifestNeeds: [ManifestNeed] { [.invoiceLatest(settings)] }

    public var tableScanNeeds: [TableScanNeed] {
        [TableScanNeed(table: settings.table.sqlQualifiedIdentifier,
                       .invoiceNumbers(number: settings.column, series: settings.series))]
    }

    /// What one series looks like after the restore. `key` is the series as text, nil for a
    /// NULL series, and `""` when the scenario names no series column (the manifest's key).
    struct SeriesSummary {
        var key: String?
        var invoices: Int64
        var numbered: Int64
        var distinctNumbers: Int64
        var latest: Int64?

        /// Numbers between 1 and the latest that no invoice carries.
        var missingNumbers: Int64 { (latest ?? 0) - distinctNumbers }
        var duplicateInvoices: Int64 { numbered - distinctNumbers }
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let expectedLatest = expectedLatestNumbers(manifest: context.manifest, transcript: transcript)

        do {
            guard try await columnsExist(transcript: transcript) else { return transcript.outcome(passing: "") }
        } catch {
            transcript.record(error, while: "look \(numberColumn) up in the restored catalog")
            return transcript.outcome(passing: "")
        }

        let summaries: [SeriesSummary]
        do {
            summaries = try await summarize(transcript: transcript)
        } catch {
            transcript.record(error, while: "summarise the invoice numbers in \(numberColumn)")
            return transcript.outcome(passing: "")
        }
        guard summaries.count <= Self.seriesLimit else {
            transcript.cannotVerify("\(settings.table) has more than \(Self.seriesLimit) invoice series, so the numbers "
                                    + "were not checked; is series the right column?")
            return transcript.outcome(passing: "")
        }

        var summary = [describeVolume(summaries)]
        do {
            try await reportInvalidNumbers(summaries, transcript: transcript)
            if try await reportGaps(summaries, transcript: transcript) { summary.append("gapless from 1") }
            if try await reportDuplicates(summaries, transcript: transcript) { summary.append("no duplicates") }
        } catch {
            transcript.record(error, while: "check the invoice numbers in \(numberColumn)")
            return transcript.outcome(passing: "")
        }
        if let expectedLatest, compareLatest(summaries, expected: expectedLatest, transcript: transcript) {
            summary.append("latest matches \(expectedLatest.owner)")
        }
        if let nextNumberSQL = settings.nextNumberSQL,
           await compareNextNumbers(summaries, sql: nextNumberSQL, transcript: transcript) {
            summary.append("next_number_sql gives the next gapless number")
        }
        return transcript.outcome(passing: summary.joined(separator: "; "))
    }

    // MARK: Expectations

    private struct ExpectedLatest {
        var numbers: [String: Int64]
        /// `production's last was` / `the scenario expects`
        var source: String
        var owner: String
        var fromManifest: Bool
    }

    private func expectedLatestNumbers(manifest: Manifest?, transcript: CheckTranscript) -> ExpectedLatest? {
        switch settings.latest {
        case nil:
            return nil
        case .manifest:
            guard let manifest else {
                transcript.cannotVerify("latest: manifest, but this drill has no manifest (set backup.manifest), "
                                        + "so the latest invoice number was not compared")
                return nil
            }
            let keys = ExpectationKeys.candidates(table: settings.table, column: settings.column)
            guard let numbers = ExpectationKeys.lookup(manifest.invoiceLatest, keys) else {
                transcript.cannotVerify("the manifest has no latest invoice number for \(numberColumn)")
                return nil
            }
            return ExpectedLatest(numbers: numbers, source: "\(manifest.ownerPossessive) last was", owner: manifest.owner, fromManifest: true)
        case .value(let numbers):
            return ExpectedLatest(numbers: numbers, source: "the scenario expects", owner: "the scenario", fromManifest: false)
        }
    }

    // MARK: Catalog

    private func columnsExist(transcript: CheckTranscript) async throws -> Bool {
        let columns = [settings.column] + (settings.series.map { [$0] } ?? [])
        let facts = try await RestoredCatalog.describe(columns.map { (settings.table, $0) }, in: transcript)
        guard facts.first?.tableExists == true else {
            transcript.fail("table \(settings.table) does not exist in the restored database")
            transcript.observe(settings.table, expected: "a table", actual: "missing", ok: false)
            return false
        }
        var allThere = true
        for (column, fact) in zip(columns, facts) where !fact.columnExists {
            transcript.fail("column \(settings.table).\(column) does not exist in the restored database")
            transcript.observe("\(settings.table).\(column)", expected: "a column", actual: "missing", ok: false)
            allThere = false
        }
        return allThere
    }

    // MARK: SQL

    /// Every invoice with its series and its number as a bigint, or NULL when the number is
    /// not a whole number from 1 up (text digits are accepted; leading zeros are ignored).
    /// The guard on 19-digit numbers keeps the cast from overflowing bigint.
    private func numberedInvoices(_ engine: DatabaseEngine) -> String {
        let number = engine.text(settings.column.sqlIdentifier)
        let series = settings.series.map(\.sqlIdentifier) ?? engine.text("''")
        return """
            WITH numbered AS (
                SELECT \(series) AS series,
                       CASE WHEN \(Self.wholeNumberFromOne(number, engine))
                            THEN \(engine.bigint(number)) END AS number,
                       \(number) AS written
                FROM \(settings.table.sqlQualifiedIdentifier)
            )
            """
    }

    /// `text` (a number as text) is a whole number from 1 that fits a bigint. PostgreSQL by
    /// regular expression; SQLite, which has none built in, by GLOB and length. A REAL stored
    /// in SQLite reads as `12.0` and is no whole number, as it should not be.
    static func wholeNumberFromOne(_ text: String, _ engine: DatabaseEngine) -> String {
        switch engine {
        case .postgresql:
            return """
                \(text) ~ '^0*[1-9][0-9]{0,17}$'
                                              OR (\(text) ~ '^0*[1-9][0-9]{18}$'
                                                  AND ltrim(\(text), '0') COLLATE "C" <= '9223372036854775807')
                """
        case .sqlite:
            let digits = "ltrim(\(text), '0')"
            return """
                \(text) <> '' AND NOT \(text) GLOB '*[^0-9]*' AND \(digits) <> ''
                                              AND (length(\(digits)) <= 18
                                                   OR (length(\(digits)) = 19 AND \(digits) <= '9223372036854775807'))
                """
        }
    }

    private func summarize(transcript: CheckTranscript) async throws -> [SeriesSummary] {
        if try await uniquenessIsEnforced(transcript: transcript) { return try await summarizeUniqueIntegers(transcript: transcript) }
        let sql = numberedInvoices(transcript.engine) + """

            SELECT \(transcript.engine.text("series")) AS series,
                   count(*) AS invoices,
                   count(number) AS numbered,
                   count(DISTINCT number) AS distinct_numbers,
                   max(number) AS latest
            FROM numbered
            GROUP BY series
            ORDER BY series
            LIMIT \(Self.seriesLimit + 1)
            """
        return try await transcript.query(sql).rows.map { row in
            SeriesSummary(key: row[0], invoices: Int64(row[1] ?? "") ?? 0, numbered: Int64(row[2] ?? "") ?? 0,
                          distinctNumbers: Int64(row[3] ?? "") ?? 0, latest: row[4].flatMap { Int64($0) })
        }
    }

    /// True when the restored catalog itself guarantees that no number repeats within a series:
    /// an integer number column, a NOT NULL series, and a valid, non-partial unique index on
    /// exactly those columns (rebuilt by the restore, which would have failed on a duplicate).
    private func uniquenessIsEnforced(transcript: CheckTranscript) async throws -> Bool {
        // SQLite's catalog is not asked: every number is then read and compared, which proves the same.
        guard transcript.engine == .postgresql else { return false }
        let keyColumns = [settings.column] + (settings.series.map { [$0] } ?? [])
        let sql = """
            SELECT (SELECT t.typname IN ('int2', 'int4', 'int8') FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                    WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped)
               AND coalesce((SELECT a.attnotnull FROM pg_attribute a
                             WHERE a.attrelid = to_regclass($1) AND a.attname = $3 AND NOT a.attisdropped), $3 IS NULL)
               AND EXISTS (SELECT 1 FROM pg_index i
                           WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indisvalid
                             AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnatts = cardinality($4::text[])
                             AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text) FROM pg_attribute a
                                  WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
                                 = (SELECT array_agg(c ORDER BY c) FROM unnest($4::text[]) AS c))
            """
        let result = try await transcript.query(sql, [settings.table, settings.column, settings.series,
                                                      PostgresArrayLiteral.text(keyColumns)])
        return result.scalar == "t"
    }

    /// One pass without sorting: with uniqueness enforced, the numbers from 1 up are distinct,
    /// so a series is gapless exactly when it holds `latest` of them.
    private func summarizeUniqueIntegers(transcript: CheckTranscript) async throws -> [SeriesSummary] {
        if let groups = await transcript.sharedInvoiceNumbers(settings.column, in: settings.table.sqlQualifiedIdentifier,
                                                              series: settings.series) {
            return groups.map {
                SeriesSummary(key: $0.series, invoices: $0.invoices, numbered: $0.numbered,
                              distinctNumbers: $0.numbered, latest: $0.latest)
            }
        }
        let number = settings.column.sqlIdentifier
        let series = settings.series.map(\.sqlIdentifier) ?? "''::text"
        let sql = """
            SELECT \(series)::text AS series,
                   count(*) AS invoices,
                   count(*) FILTER (WHERE \(number) >= 1) AS numbered,
                   max(\(number)) FILTER (WHERE \(number) >= 1) AS latest
            FROM \(settings.table.sqlQualifiedIdentifier)
            GROUP BY 1
            ORDER BY 1
            LIMIT \(Self.seriesLimit + 1)
            """
        return try await transcript.query(sql).rows.map { row in
            let numbered = Int64(row[2] ?? "") ?? 0
            return SeriesSummary(key: row[0], invoices: Int64(row[1] ?? "") ?? 0, numbered: numbered,
                                 distinctNumbers: numbered, latest: row[3].flatMap { Int64($0) })
        }
    }

    private func reportInvalidNumbers(_ summaries: [SeriesSummary], transcript: CheckTranscript) async throws {
        let invalid = summaries.reduce(0) { $0 + $1.invoices - $1.numbered }
        guard invalid > 0 else { return }
        let sql = numberedInvoices(transcript.engine) + """

            SELECT written, count(*) AS invoices
            FROM numbered
            WHERE number IS NULL
            GROUP BY written
            ORDER BY count(*) DESC, written
            LIMIT \(Self.listedInvalidNumbers)
            """
        let examples = try await transcript.query(sql).rows.map { CheckWording.quotedValue($0[0]) }
        transcript.fail("\(CheckWording.count(invalid, "invoice")) \(invalid == 1 ? "has" : "have") a number that is "
                        + "not a whole number from 1 up (e.g. \(examples.joined(separator: ", ")))")
        transcript.observe("\(numberColumn) values", expected: "whole numbers from 1 up",
                           actual: "\(invalid) not", ok: false)
    }

    /// True when no series has a gap.
    private func reportGaps(_ summaries: [SeriesSummary], transcript: CheckTranscript) async throws -> Bool {
        var rangesBySeries: [String?: (ranges: [ClosedRange<Int64>], total: Int)] = [:]
        if summaries.contains(where: { $0.missingNumbers > 0 }) {
            let sql = numberedInvoices(transcript.engine) + """
                ,
                distinct_numbers AS (
                    SELECT DISTINCT series, number FROM numbered WHERE number IS NOT NULL
                ),
                steps AS (
                    SELECT series, number,
                           lag(number, 1, \(transcript.engine.bigint("0"))) OVER (PARTITION BY series ORDER BY number) AS previous
                    FROM distinct_numbers
                ),
                gaps AS (
                    SELECT series, previous + 1 AS first_missing, number - 1 AS last_missing,
                           row_number() OVER (PARTITION BY series ORDER BY number) AS position,
                           count(*) OVER (PARTITION BY series) AS ranges
                    FROM steps
                    WHERE number > previous + 1
                )
                SELECT \(transcript.engine.text("series")) AS series, first_missing, last_missing, ranges
                FROM gaps
                WHERE position <= \(GapRanges.listedRanges)
                ORDER BY series, first_missing
                """
            for row in try await transcript.query(sql).rows {
                guard let first = row[1].flatMap({ Int64($0) }), let last = row[2].flatMap({ Int64($0) }),
                      first <= last else { continue }
                var entry = rangesBySeries[row[0]] ?? ([], 0)
                entry.ranges.append(first...last)
                entry.total = Int(row[3] ?? "") ?? entry.ranges.count
                rangesBySeries[row[0]] = entry
            }
        }

        var problems: [String] = []
        for series in summaries {
            let subject = subject(series.key, "gaps")
            let span = series.latest.map { "1\(CheckWording.enDash)\($0)" } ?? "no numbers"
            guard series.missingNumbers > 0, let gaps = rangesBySeries[series.key] else {
                transcript.observe(subject, expected: "none", actual: series.missingNumbers > 0 ? "unknown" : "none (\(span))",
                                   ok: series.missingNumbers == 0)
                if series.missingNumbers > 0 {
                    problems.append(label(series.key) + "\(series.missingNumbers) numbers missing")
                }
                continue
            }
            let missing = "missing " + GapRanges.describe(gaps.ranges, total: gaps.total)
            transcript.observe(subject, expected: "none", actual: missing, ok: false)
            problems.append(label(series.key) + missing)
        }
        guard !problems.isEmpty else { return true }
        let rule = settings.series == nil ? "numbering must run from 1 without a gap"
            : "each series must run from 1 without a gap"
        transcript.fail("invoice numbers have gaps (\(rule)): " + problems.joined(separator: "; "))
        return false
    }

    /// True when no number is used twice within a series.
    private func reportDuplicates(_ summaries: [SeriesSummary], transcript: CheckTranscript) async throws -> Bool {
        guard summaries.contains(where: { $0.duplicateInvoices > 0 }) else {
            for series in summaries { transcript.observe(subject(series.key, "duplicates"), expected: "none", actual: "none", ok: true) }
            return true
        }
        let sql = numberedInvoices(transcript.engine) + """

            SELECT \(transcript.engine.text("series")) AS series, number, count(*) AS copies, count(*) OVER () AS duplicated_numbers
            FROM numbered
            WHERE number IS NOT NULL
            GROUP BY series, number
            HAVING count(*) > 1
            ORDER BY series, number
            LIMIT \(Self.listedDuplicates)
            """
        let rows = try await transcript.query(sql).rows
        let total = rows.first.flatMap { $0[3].flatMap { Int($0) } } ?? rows.count
        var listed: [String] = []
        var previousSeries: String?? = .none
        for row in rows {
            let copies = Int64(row[2] ?? "") ?? 0
            let entry = "\(row[1] ?? "?") (\(copies) invoices)"
            // Name the series once, before its first duplicate.
            listed.append(previousSeries == .some(row[0]) ? entry : label(row[0]) + entry)
            previousSeries = .some(row[0])
        }
        for series in summaries {
            let duplicates = series.duplicateInvoices
            transcript.observe(subject(series.key, "duplicates"), expected: "none",
                               actual: duplicates == 0 ? "none" : CheckWording.count(duplicates, "extra invoice"),
                               ok: duplicates == 0)
        }
        transcript.fail("invoice numbers are used more than once: "
                        + CheckWording.list(listed, limit: Self.listedDuplicates, total: total))
        return false
    }

    // MARK: Latest and next

    /// True when every expected series ends where expected.
    private func compareLatest(_ summaries: [SeriesSummary], expected latest: ExpectedLatest,
                               transcript: CheckTranscript) -> Bool {
        let expected = latest.numbers
        let source = latest.source
        var matches = true
        let restored = Dictionary(summaries.map { ($0.key ?? "NULL", $0) }, uniquingKeysWith: { first, _ in first })
        for (key, wanted) in expected.sorted(by: { $0.key < $1.key }) {
            let latest = restored[key]?.latest ?? 0
            transcript.observe(subject(key, "latest"), expected: String(wanted), actual: String(latest), ok: latest == wanted)
            guard latest != wanted else { continue }
            matches = false
            if restored[key] == nil {
                transcript.fail(label(key) + "no invoices were restored, \(source) \(wanted)")
            } else {
                transcript.fail(label(key) + "the latest invoice is \(latest), \(source) \(wanted)")
            }
        }
        // The manifest lists every series production had in the same snapshot as the dump,
        // so a series it does not know was invented after the fact; explicit values may name a few.
        if latest.fromManifest {
            let owner = latest.owner
            for series in summaries where expected[series.key ?? "NULL"] == nil {
                matches = false
                let latest = series.latest.map(String.init) ?? "no valid number"
                transcript.fail(label(series.key) + "\(CheckWording.count(series.invoices, "invoice")) restored "
                                + "(latest \(latest)), but \(owner) reported no invoices in this series")
                transcript.observe(subject(series.key, "latest"), expected: "none", actual: latest, ok: false)
            }
        }
        return matches
    }

    /// Runs `next_number_sql` once per series (with the series as `$1`, or without a
    /// parameter when there are no series). True when each answer is the restored latest + 1.
    private func compareNextNumbers(_ summaries: [SeriesSummary], sql: String, transcript: CheckTranscript) async -> Bool {
        // A table without invoices still has a next number: 1, in the one unnamed series.
        let series = summaries.isEmpty && settings.series == nil
            ? [SeriesSummary(key: "", invoices: 0, numbered: 0, distinctNumbers: 0, latest: nil)] : summaries
        guard !series.isEmpty else {
            transcript.observe(numberColumn + " next number", expected: "latest + 1 per series",
                               actual: "not asked: no series was restored", ok: true)
            return false
        }
        var matches = true
        for summary in series {
            let (gapless, exhausted) = (summary.latest ?? 0).addingReportingOverflow(1)
            guard !exhausted else {
                transcript.fail(label(summary.key) + "the latest invoice is \(Int64.max), the largest bigint: no next number exists")
                matches = false
                continue
            }
            let answer: String?
            do {
                let parameters: [String?] = settings.series == nil ? [] : [summary.key]
                let result = try await transcript.query(sql, parameters)
                guard let row = result.rows.first else {
                    transcript.fail(label(summary.key) + "next_number_sql returned no row, so the next invoice number is "
                                    + "unknown (\(gapless) is the next gapless number)")
                    transcript.observe(subject(summary.key, "next number"), expected: String(gapless), actual: "no row", ok: false)
                    matches = false
                    continue
                }
                answer = row.first ?? nil
            } catch {
                transcript.record(error, while: "run next_number_sql")
                return false
            }
            guard let answer else {
                transcript.fail(label(summary.key) + "next_number_sql returned NULL (\(gapless) is the next gapless number)")
                transcript.observe(subject(summary.key, "next number"), expected: String(gapless), actual: "NULL", ok: false)
                matches = false
                continue
            }
            guard let next = Int64(answer.trimmingCharacters(in: .whitespaces)) else {
                transcript.cannotVerify(label(summary.key) + "next_number_sql returned \(CheckWording.quotedValue(answer)), "
                                        + "not a whole number, so it cannot be compared with \(gapless)")
                matches = false
                continue
            }
            transcript.observe(subject(summary.key, "next number"), expected: String(gapless), actual: String(next),
                               ok: next == gapless)
            if next != gapless {
                matches = false
                transcript.fail(label(summary.key) + "the next invoice would be \(next) but \(gapless) is the next gapless number")
            }
        }
        return matches
    }

    // MARK: Wording

    /// `series 2026: ` before a series' problem; nothing when the scenario names no series.
    private func label(_ key: String?) -> String {
        settings.series == nil ? "" : "series \(key ?? "NULL"): "
    }

    private func subject(_ key: String?, _ aspect: String) -> String {
        numberColumn + (settings.series == nil ? "" : " series \(key ?? "NULL")") + " " + aspect
    }

    private func describeVolume(_ summaries: [SeriesSummary]) -> String {
        let invoices = summaries.reduce(0) { $0 + $1.invoices }
        if settings.series == nil {
            let latest = summaries.first?.latest.map { ", numbered 1\(CheckWording.enDash)\($0)" } ?? ""
            return CheckWording.count(invoices, "invoice") + latest
        }
        return CheckWording.count(invoices, "invoice") + " in " + CheckWording.count(Int64(summaries.count), "series", "series")
    }
}
