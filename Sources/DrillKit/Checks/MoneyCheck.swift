import Foundation

/// `money`: money columns are integer cents, the currency column holds ISO 4217 codes, the
/// SUM per currency matches what production reported, and known rows hold known amounts.
///
/// Rules an operator can rely on:
/// - Types: smallint, integer, bigint, and `numeric(p,0)` pass (exact, no fractions of a cent);
///   float, real, `money`, unconstrained `numeric` and `numeric` with a scale fail.
/// - Currency codes: ISO 4217 List One plus codes replaced since 2021 (HRK, ANG, …), upper
///   case and exact; NULL counts as not a code.
/// - Totals: grouped by the currency column when it is in the money column's table, else
///   one total under `*`; a manifest holding only `*` is compared with the whole-column sum.
///   Rows with a NULL currency are summed under `NULL`.
/// - Spot checks: the row is found by `where` with parameters the server types from their
///   columns; zero or several matching rows fail. With several money columns in the table,
///   the spot check must name its `column`.
public struct MoneyCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: MoneyCheckSpec

    /// More currencies than this in one column is not a shop's currency list but a wrong column.
    static let currencyGroupLimit = 1000
    /// Offending currency values listed by name; the rest are counted.
    static let listedCodes = 20

    public init(spec: CheckSpec, settings: MoneyCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "money: " + settings.columns.map(\.description).joined(separator: ", ") }

    public var manifestNeeds: [ManifestNeed] {
        settings.columns.map { .moneyTotals(column: $0, currency: settings.currencyColumn) }
    }

    public var tableScanNeeds: [TableScanNeed] {
        var needs = settings.currencyColumn.map {
            [TableScanNeed(table: $0.qualifiedTable.sqlQualifiedIdentifier, .valueCounts(column: $0.column))]
        } ?? []
        if settings.totals != nil {
            needs += settings.columns.map { column in
                TableScanNeed(table: column.qualifiedTable.sqlQualifiedIdentifier,
                              .total(column: column.column, groupedBy: currencyColumn(for: column)?.column))
            }
        }
        return needs
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard !settings.columns.isEmpty else {
            transcript.cannotVerify("no money columns are listed, so nothing was checked")
            return transcript.outcome(passing: "")
        }
        var summary: [String] = []

        var restored: RestoredMoneyColumns
        do {
            restored = try await lookUpColumns(transcript: transcript)
        } catch {
            transcript.record(error, while: "look the money columns up in the restored catalog")
            return transcript.outcome(passing: "")
        }
        if transcript.engine == .sqlite, !restored.moneyColumns.isEmpty {
            restored.allIntegerCents = await checkStoredTypes(of: restored.moneyColumns, transcript: transcript) && restored.allIntegerCents
        }
        if restored.allIntegerCents {
            summary.append(CheckWording.count(Int64(settings.columns.count), "column") + " of integer cents")
        }

        if let currencyColumn = settings.currencyColumn, restored.currencyColumnExists {
            if await checkCurrencyCodes(in: currencyColumn, transcript: transcript) {
                summary.append("\(currencyColumn) holds only ISO 4217 codes")
            }
        }
        if let totals = settings.totals {
            if let compared = await compareTotals(totals, of: restored, manifest: context.manifest, transcript: transcript) {
                summary.append(compared)
            }
        }
        var matchingSpots = 0
        for spot in settings.spotChecks {
            if await checkSpot(spot, transcript: transcript) { matchingSpots += 1 }
        }
        if matchingSpots > 0 {
            summary.append(CheckWording.count(Int64(matchingSpots), "spot check") + " matching")
        }
        return transcript.outcome(passing: summary.joined(separator: "; "))
    }

    // MARK: Types

    struct RestoredMoneyColumns {
        /// Listed money columns that exist after the restore (whatever their type).
        var moneyColumns: [ColumnReference]
        var currencyColumnExists: Bool
        /// Every listed column exists and has an acceptable type.
        var allIntegerCents: Bool
    }

    private func lookUpColumns(transcript: CheckTranscript) async throws -> RestoredMoneyColumns {
        let targets = settings.columns + (settings.currencyColumn.map { [$0] } ?? [])
        let facts = try await RestoredCatalog.describe(targets.map { ($0.qualifiedTable, $0.column) }, in: transcript)
        var existing: [ColumnReference] = []
        var allIntegerCents = true
        for (column, fact) in zip(settings.columns, facts) where exists(column, fact, transcript: transcript) {
            existing.append(column)
            let declared = fact.declaredType ?? "of an unknown type"
            if let problem = MoneyColumnType.problem(baseType: fact.baseType, numericScale: fact.numericScale) {
                allIntegerCents = false
                transcript.fail("\(column) is \(declared): money must be integer cents; \(problem)")
                transcript.observe("\(column) type", expected: "integer cents", actual: declared, ok: false)
            } else {
                transcript.observe("\(column) type", expected: "integer cents", actual: declared, ok: true)
            }
        }
        var currencyExists = false
        if let currencyColumn = settings.currencyColumn, let fact = facts.last {
            currencyExists = exists(currencyColumn, fact, transcript: transcript)
        }
        return RestoredMoneyColumns(moneyColumns: existing, currencyColumnExists: currencyExists,
                                    allIntegerCents: allIntegerCents && existing.count == settings.columns.count)
    }

    /// SQLite keeps what the app wrote whatever the declaration says (type affinity converts
    /// only what converts losslessly): a REAL or a text in an INTEGER column is found by the
    /// stored values' `typeof()`, not by the declaration. True when every value is an integer or NULL.
    private func checkStoredTypes(of columns: [ColumnReference], transcript: CheckTranscript) async -> Bool {
        var allIntegers = true
        for column in columns {
            let money = column.column.sqlIdentifier
            let sql = """
                SELECT typeof(\(money)) AS stored, count(*) AS row_count, CAST(min(\(money)) AS TEXT) AS example
                FROM \(column.qualifiedTable.sqlQualifiedIdentifier)
                WHERE typeof(\(money)) NOT IN ('integer', 'null')
                GROUP BY 1
                ORDER BY 2 DESC, 1
                """
            do {
                let rows = try await transcript.query(sql).rows
                guard !rows.isEmpty else {
                    transcript.observe("\(column) stored values", expected: "integer", actual: "integer", ok: true)
                    continue
                }
                allIntegers = false
                let kinds = rows.map { row in
                    let count = Int64(row[1] ?? "") ?? 0
                    return "\(CheckWording.count(count, "value")) stored as \(row[0] ?? "?") (e.g. \(CheckWording.quotedValue(row[2])))"
                }
                transcript.fail("\(column) holds " + kinds.joined(separator: " and ")
                                + ": SQLite keeps what the app wrote whatever the column declares, and money must be integer cents")
                transcript.observe("\(column) stored values", expected: "integer",
                                   actual: rows.map { $0[0] ?? "?" }.joined(separator: ", "), ok: false)
            } catch {
                transcript.record(error, while: "read the stored types of \(column)")
                allIntegers = false
            }
        }
        return allIntegers
    }

    private func exists(_ column: ColumnReference, _ fact: ColumnFacts, transcript: CheckTranscript) -> Bool {
        if !fact.tableExists {
            transcript.fail("table \(column.qualifiedTable) does not exist in the restored database, so \(column) is gone")
            transcript.observe(column.description, expected: "a column", actual: "table missing", ok: false)
            return false
        }
        if !fact.columnExists {
            transcript.fail("column \(column) does not exist in the restored database")
            transcript.observe(column.description, expected: "a column", actual: "missing", ok: false)
            return false
        }
        return true
    }

    // MARK: Currency codes

    /// True when every value is an accepted code.
    private func checkCurrencyCodes(in column: ColumnReference, transcript: CheckTranscript) async -> Bool {
        if let counts = await transcript.sharedValueCounts(of: column.column, in: column.qualifiedTable.sqlQualifiedIdentifier),
           counts.count <= Self.currencyGroupLimit {
            return judgeCurrencyCodes(in: column, counts: counts, transcript: transcript)
        }
        let engine = transcript.engine
        let currency = column.column.sqlIdentifier
        let sql = """
            SELECT \(engine.text(currency)) AS code,
                   count(*) AS row_count,
                   count(*) OVER () AS distinct_codes,
                   sum(count(*)) OVER () AS offending_rows
            FROM \(column.qualifiedTable.sqlQualifiedIdentifier)
            WHERE \(currency) IS NULL OR \(engine.isNone(of: "$1", engine.text(currency)))
            GROUP BY 1
            ORDER BY count(*) DESC, 1
            LIMIT \(Self.listedCodes)
            """
        do {
            let result = try await transcript.query(sql, [engine.textList(ISO4217.acceptedCodes)])
            let listed = result.rows.map { ValueCount(value: $0[0], rows: Int64($0[1] ?? "") ?? 0) }
            let first = result.rows.first
            return reportCurrencyCodes(in: column, listed: listed,
                                       distinct: first?[2].flatMap { Int($0) } ?? listed.count,
                                       rows: first?[3].flatMap { Int64($0) } ?? 0, transcript: transcript)
        } catch {
            transcript.record(error, while: "check the currency codes in \(column)")
            return false
        }
    }

    /// The currency-code query's answer from the rows per value a shared pass counted: the
    /// same values, counts and order (most rows first, then by code, NULL last).
    private func judgeCurrencyCodes(in column: ColumnReference, counts: [ValueCount], transcript: CheckTranscript) -> Bool {
        let accepted = Set(ISO4217.acceptedCodes)
        let offending = counts.filter { $0.value.map { !accepted.contains($0) } ?? true }.sorted { left, right in
            if left.rows != right.rows { return left.rows > right.rows }
            switch (left.value, right.value) {
            case (let left?, let right?): return Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
            case (_?, nil): return true
            default: return false
            }
        }
        return reportCurrencyCodes(in: column, listed: Array(offending.prefix(Self.listedCodes)), distinct: offending.count,
                                   rows: offending.reduce(0) { $0 + $1.rows }, transcript: transcript)
    }

    /// `listed`: the first offending values; `distinct` and `rows`: how many there are in all.
    private func reportCurrencyCodes(in column: ColumnReference, listed: [ValueCount], distinct: Int, rows: Int64,
                                     transcript: CheckTranscript) -> Bool {
        guard !listed.isEmpty else {
            transcript.observe("\(column) codes", expected: "ISO 4217", actual: "all ISO 4217", ok: true)
            return true
        }
        let codes = CheckWording.list(listed.map { CheckWording.quotedValue($0.value) + " (" + CheckWording.count($0.rows, "row") + ")" },
                                      limit: Self.listedCodes, total: distinct)
        transcript.fail("\(column) holds values that are not ISO 4217 currency codes: \(codes)")
        transcript.observe("\(column) codes", expected: "ISO 4217",
                           actual: "\(CheckWording.count(rows, "row")) with \(CheckWording.count(Int64(distinct), "other value"))",
                           ok: false)
        return false
    }

    // MARK: Totals

    /// Returns the passing summary, or nil when anything differed or could not be compared.
    private func compareTotals(_ expectation: Expectation<[String: [String: Int64]]>, of restored: RestoredMoneyColumns,
                               manifest: Manifest?, transcript: CheckTranscript) async -> String? {
        let source: String
        let owner: String
        let expectedTotals: [String: [String: Int64]]
        switch expectation {
        case .manifest:
            guard let manifest else {
                transcript.cannotVerify("totals: manifest, but this drill has no manifest (set backup.manifest), "
                                        + "so there is nothing to compare the money totals with")
                return nil
            }
            source = "\(manifest.owner) reported"
            owner = manifest.owner
            expectedTotals = manifest.moneyTotals
        case .value(let values):
            source = "the scenario expects"
            owner = "the scenario"
            expectedTotals = values
        }
        var allMatch = true
        var currencies = Set<String>()
        for column in settings.columns {
            guard let expected = ExpectationKeys.lookup(expectedTotals, ExpectationKeys.candidates(column)) else {
                let holder = if case .manifest = expectation { "the manifest" } else { "the scenario" }
                transcript.cannotVerify("\(holder) has no money totals for \(column)")
                allMatch = false
                continue
            }
            guard restored.moneyColumns.contains(column) else { allMatch = false; continue }
            guard let actual = await sumPerCurrency(of: column, expectedKeys: Set(expected.keys),
                                                    restored: restored, transcript: transcript) else {
                allMatch = false
                continue
            }
            for currency in Set(expected.keys).union(actual.keys).sorted() {
                currencies.insert(currency)
                if !compareTotal(column, currency: currency, actual: actual[currency], expected: expected[currency],
                                 source: source, transcript: transcript) {
                    allMatch = false
                }
            }
        }
        guard allMatch else { return nil }
        let grouped = currencies.subtracting(["*"]).sorted()
        let scope = grouped.isEmpty ? "" : " in " + grouped.joined(separator: ", ")
        return "totals match \(owner)\(scope)"
    }

    /// Per-currency sums as text (a sum can outgrow 64 bits); `*` when the column is not grouped.
    private func sumPerCurrency(of column: ColumnReference, expectedKeys: Set<String>, restored: RestoredMoneyColumns,
                                transcript: CheckTranscript) async -> [String: String]? {
        // A manifest holding only `*` summed the column whole; compare like with like.
        let grouped = restored.currencyColumnExists && expectedKeys != ["*"] ? currencyColumn(for: column) : nil
        var totals = await transcript.sharedTotals(of: column.column, in: column.qualifiedTable.sqlQualifiedIdentifier,
                                                   groupedBy: grouped?.column)
        if totals == nil {
            let sql = MoneyTotals.query(for: column, groupedBy: grouped, limit: Self.currencyGroupLimit + 1, engine: transcript.engine)
            do {
                totals = try await transcript.query(sql).rows.map { MoneyGroupTotal(group: $0[0] ?? "NULL", total: $0[1] ?? "0") }
            } catch {
                transcript.record(error, while: "sum \(column)")
                return nil
            }
        }
        guard let totals, totals.count <= Self.currencyGroupLimit else {
            transcript.cannotVerify("\(column) has more than \(Self.currencyGroupLimit) currencies, "
                                    + "so its totals were not compared; is currency_column the right column?")
            return nil
        }
        return Dictionary(totals.map { ($0.group, $0.total) }, uniquingKeysWith: { first, _ in first })
    }

    private func compareTotal(_ column: ColumnReference, currency: String, actual: String?, expected: Int64?,
                              source: String, transcript: CheckTranscript) -> Bool {
        let shownCurrency = CheckWording.quotedValue(currency == "NULL" ? nil : currency)
        let label = currency == "*" ? "\(column)" : "\(column) in \(shownCurrency)"
        let subject = currency == "*" ? "\(column) total" : "\(column) total (\(shownCurrency))"
        // A sum that is not whole (a column in dollars, a REAL) is compared as the manifest
        // recorded it, rounded: the column's type is the failure, not a difference of totals.
        let ok = actual.flatMap(MoneyTotals.wholeCents) == expected
        transcript.observe(subject, expected: expected.map(String.init) ?? "none",
                           actual: actual ?? "none", ok: ok)
        guard !ok else { return true }
        switch (actual, expected) {
        case (let actual?, let expected?):
            let difference = Int64(actual).map { " (" + CheckWording.signedDifference($0, from: expected) + ")" } ?? ""
            transcript.fail("\(label): \(cents(actual)) restored, \(source) \(expected)\(difference)")
        case (let actual?, nil):
            transcript.fail("\(label): \(cents(actual)) restored, but \(source) no amounts in \(shownCurrency)")
        case (nil, let expected?):
            transcript.fail("\(label): no rows restored, \(source) \(CheckWording.count(expected, "cent"))")
        case (nil, nil):
            break
        }
        return false
    }

    /// `1 cent`, `4200 cents`; a sum that is not a whole number is shown as it came.
    private func cents(_ total: String) -> String {
        Int64(total).map { CheckWording.count($0, "cent") } ?? "\(total) cents"
    }

    /// The currency column applies to a money column only when both live in the same table.
    private func currencyColumn(for column: ColumnReference) -> ColumnReference? {
        MoneyTotals.groupingColumn(for: column, currency: settings.currencyColumn)
    }

    // MARK: Spot checks

    /// True when the one matching row holds exactly the expected amount (and currency).
    private func checkSpot(_ spot: MoneySpotCheck, transcript: CheckTranscript) async -> Bool {
        let condition = spot.whereEquals.map { "\($0.column) = \(describe($0.value))" }.joined(separator: " and ")
        let place = "\(spot.table) where \(condition)"
        guard !spot.whereEquals.isEmpty else {
            transcript.cannotVerify("the spot check on \(spot.table) has no where: it cannot pick one row")
            return false
        }
        guard let moneyColumn = moneyColumn(for: spot, transcript: transcript) else { return false }
        var currencyColumn: ColumnReference?
        if let expectedCurrency = spot.currency {
            guard let column = self.currencyColumn(for: ColumnReference(table: spot.table, column: moneyColumn)) else {
                let configured = settings.currencyColumn.map { "currency_column is \($0)" } ?? "no currency_column is set"
                transcript.cannotVerify("the spot check on \(place) expects \(expectedCurrency), but \(configured), "
                                        + "not a column of \(spot.table)")
                return false
            }
            currencyColumn = column
        }

        var selected = ["\(transcript.engine.text(moneyColumn.sqlIdentifier)) AS cents"]
        if let currencyColumn { selected.append("\(transcript.engine.text(currencyColumn.column.sqlIdentifier)) AS currency") }
        selected.append("count(*) OVER () AS matches")
        // Parameters stay untyped so the server types each from its column (an integer id,
        // a text order number, a uuid); the value never becomes SQL text.
        let conditions = spot.whereEquals.enumerated().map { index, entry in "\(entry.column.sqlIdentifier) = $\(index + 1)" }
        let sql = """
            SELECT \(selected.joined(separator: ", "))
            FROM \(spot.table.sqlQualifiedIdentifier)
            WHERE \(conditions.joined(separator: " AND "))
            LIMIT 2
            """
        let row: [String?]
        do {
            let result = try await transcript.query(sql, spot.whereEquals.map { $0.value.description })
            guard let first = result.rows.first else {
                transcript.fail("no row of \(place): the spot-checked row is missing")
                transcript.observe(place, expected: "\(spot.cents) cents", actual: "no row", ok: false)
                return false
            }
            row = first
        } catch {
            transcript.record(error, while: "read the spot-checked row of \(place)")
            return false
        }
        let matches = row.last.flatMap { $0.flatMap { Int64($0) } } ?? 1
        if matches > 1 {
            transcript.fail("\(CheckWording.count(matches, "row")) of \(spot.table) match \(condition): "
                            + "a spot check needs exactly one")
            transcript.observe(place, expected: "1 row", actual: "\(matches) rows", ok: false)
            return false
        }

        var ok = true
        let cents = row[0]
        if cents.flatMap({ Int64($0) }) != spot.cents {
            ok = false
            let difference = cents.flatMap { Int64($0) }.map { " (" + CheckWording.signedDifference($0, from: spot.cents) + ")" } ?? ""
            transcript.fail("\(place): \(moneyColumn) is \(cents ?? "NULL"), expected \(spot.cents)\(difference)")
        }
        transcript.observe("\(place) \(moneyColumn)", expected: String(spot.cents), actual: cents ?? "NULL",
                           ok: cents.flatMap { Int64($0) } == spot.cents)
        if let expectedCurrency = spot.currency {
            let currency = row[1]
            if currency != expectedCurrency {
                ok = false
                transcript.fail("\(place): currency is \(CheckWording.quotedValue(currency)), expected \(expectedCurrency)")
            }
            transcript.observe("\(place) currency", expected: expectedCurrency, actual: currency ?? "NULL",
                               ok: currency == expectedCurrency)
        }
        return ok
    }

    private func moneyColumn(for spot: MoneySpotCheck, transcript: CheckTranscript) -> String? {
        if let column = spot.column { return column }
        let candidates = settings.columns.filter {
            Manifest.qualified($0.qualifiedTable) == Manifest.qualified(spot.table)
        }
        switch candidates.count {
        case 1:
            return candidates[0].column
        case 0:
            transcript.cannotVerify("the spot check on \(spot.table) does not say which column holds the cents, "
                                    + "and no money column of \(spot.table) is listed under columns")
        default:
            transcript.cannotVerify("the spot check on \(spot.table) is ambiguous: \(spot.table) has the money columns "
                                    + candidates.map(\.column).joined(separator: ", ") + "; name one with column:")
        }
        return nil
    }

    private func describe(_ value: ScalarValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        return value.description
    }
}
