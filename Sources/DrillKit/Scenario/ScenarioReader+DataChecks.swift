extension ScenarioReader {
    // MARK: row_counts

    func readRowCounts(_ value: ScenarioValue) -> RowCountsCheckSpec? {
        guard let rowCounts = mapping(value, allowed: ["tables", "expect", "tolerance"]) else { return nil }
        let listedTables = rowCounts["tables"].flatMap { stringList($0) }
        let expectation = rowCounts["expect"].flatMap { readExpectation($0, of: "row count", per: "table") }
        let tolerance = rowCounts["tolerance"].flatMap { readTolerance($0) }

        // Explicit counts name their tables, so `tables` may be left out; given both, they must agree.
        var counts: [(key: String, value: Int64)]?
        if case .counts(let explicit) = expectation { counts = explicit }
        let tables: [String]
        switch (listedTables, counts) {
        case (let listed?, let counts?):
            guard tablesAgree(listed, counts, at: rowCounts) else { return nil }
            tables = listed
        case (let listed?, nil):
            tables = listed
        case (nil, let counts?):
            tables = counts.map(\.key)
        case (nil, nil):
            // An invalid `expect` was reported already; asking for `tables` as well would mislead.
            if !rowCounts.contains("tables"), expectation != nil || !rowCounts.contains("expect") {
                report("missing required key 'tables' \(value.placeDescription)", at: value.entryLocation)
            }
            return nil
        }
        let expect: Expectation<[String: Int64]> = counts.map { .value(Dictionary($0, uniquingKeysWith: { first, _ in first })) }
            ?? .manifest
        return RowCountsCheckSpec(tables: tables, expect: expect, tolerance: tolerance)
    }

    private func tablesAgree(_ tables: [String], _ counts: [(key: String, value: Int64)], at rowCounts: ScenarioMapping) -> Bool {
        let counted = Set(counts.map(\.key))
        let missing = tables.filter { !counted.contains($0) }
        let unlisted = counts.map(\.key).filter { !tables.contains($0) }
        if !missing.isEmpty, let expect = rowCounts["expect"] {
            report("expect gives no row count for \(missing.map { "'\($0)'" }.joined(separator: ", ")) listed in tables",
                   at: expect.entryLocation)
        }
        if !unlisted.isEmpty, let tablesValue = rowCounts["tables"] {
            report("tables does not list \(unlisted.map { "'\($0)'" }.joined(separator: ", ")), which expect gives a count for",
                   at: tablesValue.entryLocation)
        }
        return missing.isEmpty && unlisted.isEmpty
    }

    /// Expected numbers: what the manifest recorded, or written out in the scenario.
    private enum CountsExpectation {
        case manifest
        case counts([(key: String, value: Int64)])
    }

    /// `manifest`, or explicit non-negative numbers keyed by table or series, in file order.
    private func readExpectation(_ value: ScenarioValue, of quantity: String, per keyName: String) -> CountsExpectation? {
        if value.scalar?.string == "manifest" { return .manifest }
        guard case .mapping = value.node else {
            let written = value.scalar.map { "'\($0.string)'" } ?? value.typeDescription
            report("invalid value \(written) for \(value.displayPath): expected manifest or a mapping of \(keyName) to \(quantity)",
                   at: value.problemLocation)
            return nil
        }
        return readCounts(value).map(CountsExpectation.counts)
    }

    private func readCounts(_ value: ScenarioValue) -> [(key: String, value: Int64)]? {
        guard let entries = dataEntries(value) else { return nil }
        let counts = entries.map { entry in readCount(entry.value).map { (entry.key, $0) } }
        return counts.contains { $0 == nil } ? nil : counts.compactMap { $0 }
    }

    private func readCount(_ value: ScenarioValue) -> Int64? {
        guard let count = integer(value) else { return nil }
        guard count >= 0 else {
            report("\(value.displayPath) must not be negative", at: value.location)
            return nil
        }
        return Int64(count)
    }

    func readTolerance(_ value: ScenarioValue, what: String = "tolerance", maximum: Double = 1) -> Double? {
        guard let text = scalarText(value, expected: "a percentage such as 0.5%") else { return nil }
        do {
            return try ToleranceText.parse(text, maximum: maximum)
        } catch {
            switch error {
            case .notAPercentage:
                report("invalid \(what) '\(text)' for \(value.displayPath): \(ToleranceText.hint)", at: value.location)
            case .outOfRange:
                report("\(what) '\(text)' for \(value.displayPath) is out of range: expected 0% to \(Int(maximum * 100))%", at: value.location)
            }
            return nil
        }
    }

    // MARK: money

    func readMoney(_ value: ScenarioValue) -> MoneyCheckSpec? {
        guard let money = mapping(value, allowed: ["columns", "currency_column", "totals", "spot_checks"]) else { return nil }
        let columns = required("columns", in: money).flatMap(readColumnList)
        let currencyColumn = money["currency_column"].flatMap(readColumnReference)
        let spotChecks = money["spot_checks"].flatMap(readSpotChecks) ?? []
        let totals = money["totals"].flatMap {
            readTotals($0, columns: columns, hasCurrencyColumn: money.contains("currency_column"))
        }
        guard let columns else { return nil }
        return MoneyCheckSpec(columns: columns, currencyColumn: currencyColumn, totals: totals, spotChecks: spotChecks)
    }

    func readColumnList(_ value: ScenarioValue) -> [ColumnReference]? {
        guard let elements = list(value) else { return nil }
        guard !elements.isEmpty else {
            report("\(value.displayPath) is empty: expected at least one table.column", at: value.problemLocation)
            return nil
        }
        let columns = elements.map(readColumnReference)
        return columns.contains { $0 == nil } ? nil : columns.compactMap { $0 }
    }

    func readColumnReference(_ value: ScenarioValue) -> ColumnReference? {
        guard let text = string(value) else { return nil }
        guard let column = ColumnReference(parsing: text) else {
            report("invalid column reference '\(text)' for \(value.displayPath): write table.column (or schema.table.column)",
                   at: value.location)
            return nil
        }
        return column
    }

    /// `manifest`, or expected sums per column: a number, or per currency when there is a
    /// currency column (`{ orders.total_cents: { EUR: 1999 } }`). Sums are in cents.
    private func readTotals(_ value: ScenarioValue, columns: [ColumnReference]?, hasCurrencyColumn: Bool)
        -> Expectation<[String: [String: Int64]]>? {
        if value.scalar?.string == "manifest" { return .manifest }
        guard case .mapping = value.node, let entries = dataEntries(value) else {
            let written = value.scalar.map { "'\($0.string)'" } ?? value.typeDescription
            report("invalid value \(written) for \(value.displayPath): expected manifest or a mapping of table.column to its total",
                   at: value.problemLocation)
            return nil
        }
        var totals: [String: [String: Int64]] = [:]
        var valid = true
        for entry in entries {
            if let columns, let column = ColumnReference(parsing: entry.key), !columns.contains(column) {
                report("totals names '\(entry.key)', which is not in \(value.path.dropLast(".totals".count)).columns",
                       at: entry.value.entryLocation)
                valid = false
            }
            guard let perCurrency = readColumnTotal(entry.value, hasCurrencyColumn: hasCurrencyColumn) else {
                valid = false
                continue
            }
            totals[entry.key] = perCurrency
        }
        return valid ? .value(totals) : nil
    }

    /// Without a currency column a total is one number, kept under the currency "".
    private func readColumnTotal(_ value: ScenarioValue, hasCurrencyColumn: Bool) -> [String: Int64]? {
        guard hasCurrencyColumn else {
            guard let total = integer(value) else { return nil }
            return ["": Int64(total)]
        }
        guard case .mapping = value.node else {
            reportWrongType(value, expected: "a mapping of currency to total in cents (with currency_column)")
            return nil
        }
        guard let entries = dataEntries(value) else { return nil }
        var totals: [String: Int64] = [:]
        var valid = true
        for entry in entries {
            let currency = checkCurrencyCode(entry.key, at: entry.value.entryLocation, path: value.displayPath)
            let total = integer(entry.value)
            if let currency, let total { totals[currency] = Int64(total) } else { valid = false }
        }
        return valid ? totals : nil
    }

    private func readSpotChecks(_ value: ScenarioValue) -> [MoneySpotCheck]? {
        guard let elements = list(value) else { return nil }
        let spotChecks = elements.map(readSpotCheck)
        return spotChecks.contains { $0 == nil } ? nil : spotChecks.compactMap { $0 }
    }

    private func readSpotCheck(_ value: ScenarioValue) -> MoneySpotCheck? {
        guard let spotCheck = mapping(value, allowed: ["table", "where", "cents", "currency"]) else { return nil }
        let table = required("table", in: spotCheck).flatMap(string)
        let whereEquals = required("where", in: spotCheck).flatMap(readWhere)
        let cents = required("cents", in: spotCheck).flatMap(integer)
        let currency = spotCheck["currency"].flatMap { value in
            string(value).flatMap { checkCurrencyCode($0, at: value.location, path: value.displayPath) }
        }
        guard let table, let whereEquals, let cents else { return nil }
        return MoneySpotCheck(table: table, whereEquals: whereEquals, cents: Int64(cents), currency: currency)
    }

    /// `where: { id: 1042 }`: columns and the values that pick exactly the row to compare.
    private func readWhere(_ value: ScenarioValue) -> [(column: String, value: ScalarValue)]? {
        guard let entries = dataEntries(value) else { return nil }
        guard !entries.isEmpty else {
            report("\(value.displayPath) is empty: name the row, e.g. where: { id: 1042 }", at: value.problemLocation)
            return nil
        }
        let conditions = entries.map { entry in readWhereValue(entry.value).map { (column: entry.key, value: $0) } }
        return conditions.contains { $0 == nil } ? nil : conditions.compactMap { $0 }
    }

    private func readWhereValue(_ value: ScenarioValue) -> ScalarValue? {
        if value.isInteger, let number = value.node.int { return .integer(Int64(number)) }
        if value.isString { return value.scalar.map { .string($0.string) } }
        if value.isBoolean, let flag = value.node.bool { return .bool(flag) }
        reportWrongType(value, expected: "an integer, a string or a boolean")
        return nil
    }

    /// ISO 4217 codes are three uppercase letters; `eur` gets `EUR` suggested.
    private func checkCurrencyCode(_ code: String, at location: SourceLocation, path: String) -> String? {
        let isCode = { (text: String) in
            text.unicodeScalars.count == 3 && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
        }
        guard isCode(code) else {
            report("invalid currency '\(code)' for \(path): expected an ISO 4217 code such as EUR", at: location,
                   suggestion: isCode(code.uppercased()) ? code.uppercased() : nil)
            return nil
        }
        return code
    }

    // MARK: invoice_sequence

    func readInvoiceSequence(_ value: ScenarioValue) -> InvoiceSequenceCheckSpec? {
        guard let invoices = mapping(value, allowed: ["table", "column", "series", "latest", "next_number_sql"]) else {
            return nil
        }
        let table = required("table", in: invoices).flatMap(string)
        let column = required("column", in: invoices).flatMap(string)
        let series = invoices["series"].flatMap(string)
        let nextNumberSQL = invoices["next_number_sql"].flatMap(string)
        let latest = invoices["latest"].flatMap { readLatestInvoice($0, hasSeries: invoices.contains("series")) }
        guard let table, let column else { return nil }
        return InvoiceSequenceCheckSpec(table: table, column: column, series: series, latest: latest,
                                        nextNumberSQL: nextNumberSQL)
    }

    /// `manifest`, one number (no series; kept under the series ""), or numbers per series.
    private func readLatestInvoice(_ value: ScenarioValue, hasSeries: Bool) -> Expectation<[String: Int64]>? {
        if value.isInteger {
            guard !hasSeries else {
                report("with 'series', give the latest number per series, e.g. latest: { \"2026\": 1042 }", at: value.location)
                return nil
            }
            return readCount(value).map { .value(["": $0]) }
        }
        guard let expectation = readExpectation(value, of: "latest invoice number", per: "series") else { return nil }
        guard case .counts(let perSeries) = expectation else { return .manifest }
        guard hasSeries else {
            report("latest per series needs 'series', the column that holds the series", at: value.entryLocation)
            return nil
        }
        return .value(Dictionary(perSeries, uniquingKeysWith: { first, _ in first }))
    }
}
