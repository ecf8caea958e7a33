import Foundation

/// `volume`: row counts and money totals against the median of this scenario's last good
/// drills. A manifest proves the backup equals production; this proves production still looks
/// like itself: 2,000 customers last month and 20 today restore cleanly, match a manifest
/// taken from the same damaged production, and fail here. A first drill has nothing to
/// compare with and says so; its figures become the baseline.
public struct VolumeCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: VolumeCheckSpec

    public init(spec: CheckSpec, settings: VolumeCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var readsPastDrills: Bool { true }

    public var displayName: String {
        "volume: " + (settings.tables + settings.money.map(\.description)).joined(separator: ", ")
    }

    public var tableScanNeeds: [TableScanNeed] {
        settings.tables.map { TableScanNeed(table: $0.sqlQualifiedIdentifier, .rowCount) }
            + settings.money.map { TableScanNeed(table: $0.qualifiedTable.sqlQualifiedIdentifier, .total(column: $0.column, groupedBy: nil)) }
    }

    static func rowsKey(_ table: String) -> String { "rows " + Manifest.qualified(table) }
    static func totalKey(_ column: ColumnReference) -> String { "total \(Manifest.qualified(column.qualifiedTable)).\(column.column)" }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        let figures = await measure(transcript)
        let past = context.pastDrills ?? .none(in: "the reports folder")
        // Each figure's baseline: the median of the last good drills that measured it.
        var baselines: [String: (median: Double, drills: [DrillRecord])] = [:]
        for (key, _) in figures {
            let drills = Array(past.good.filter { $0.measurement(key) != nil }.prefix(settings.drills))
            guard !drills.isEmpty else { continue }
            baselines[key] = (Self.median(drills.compactMap { $0.measurement(key) }.map(Double.init)), drills)
        }
        var outcome: CheckOutcome
        if let problem = past.problem {
            transcript.cannotVerify("the earlier drills to compare with could not be read: \(problem)")
            outcome = transcript.outcome(passing: "")
        } else if baselines.isEmpty, !transcript.hasErrors, !transcript.hasFailures {
            outcome = transcript.outcome(passing: "")
            outcome.verdict = .skipped
            outcome.nothingToCompare = true
            outcome.message = "no earlier good drill of this scenario in \(past.folder) measured these figures\(past.distrustedNote), "
                + "so there is nothing to compare with yet: if this drill passes, its figures (\(Self.list(figures))) are the first baseline"
        } else {
            var summaries: [String] = []
            for (key, value) in figures {
                guard let baseline = baselines[key] else {
                    transcript.observe(key, expected: "no earlier figure", actual: String(value), ok: true)
                    summaries.append("\(Self.subject(key)) \(value) (first figure)")
                    continue
                }
                summaries.append(compare(key, value, baseline.median, baseline.drills, transcript))
            }
            outcome = transcript.outcome(passing: "volume like the last good drills: " + summaries.joined(separator: ", "))
        }
        outcome.measurements = figures.isEmpty ? nil : Dictionary(figures, uniquingKeysWith: { first, _ in first })
        return outcome
    }

    /// The figures, in the scenario's order; a table the restore lost fails by name.
    private func measure(_ transcript: CheckTranscript) async -> [(String, Int64)] {
        var figures: [(String, Int64)] = []
        do {
            let facts = try await RestoredCatalog.describe(settings.tables.map { ($0, nil) } + settings.money.map { ($0.qualifiedTable, $0.column) },
                                                           in: transcript)
            let tableFacts = facts.prefix(settings.tables.count), moneyFacts = facts.dropFirst(settings.tables.count)
            let present = zip(settings.tables, tableFacts).compactMap { table, fact -> String? in
                if fact.tableExists { return table }
                transcript.fail("table \(table) does not exist in the restored database")
                return nil
            }
            let counts = try await transcript.exactRowCounts(of: present)
            for table in present {
                guard let count = counts[table] else {
                    transcript.cannotVerify("the count of \(table) did not come back")
                    continue
                }
                figures.append((Self.rowsKey(table), count))
            }
            for (column, fact) in zip(settings.money, moneyFacts) {
                guard fact.columnExists else {
                    transcript.fail("column \(column) does not exist in the restored database")
                    continue
                }
                if let total = await total(of: column, transcript) { figures.append((Self.totalKey(column), total)) }
            }
        } catch {
            transcript.record(error, while: "measure the volume")
        }
        return figures
    }

    private func total(of column: ColumnReference, _ transcript: CheckTranscript) async -> Int64? {
        var text = await transcript.sharedTotals(of: column.column, in: column.qualifiedTable.sqlQualifiedIdentifier, groupedBy: nil)?.first?.total
        if text == nil {
            do {
                text = try await transcript.query(MoneyTotals.query(for: column, groupedBy: nil)).rows.first?[1] ?? nil
            } catch {
                transcript.record(error, while: "sum \(column)")
                return nil
            }
        }
        // A float column sums to text like 1234.5: the volume is what it rounds to (the money check flags the type).
        guard let text, let total = MoneyTotals.wholeCents(text) else {
            transcript.cannotVerify("the total of \(column) (\(text ?? "none")) is not a whole number of cents that fits 64 bits")
            return nil
        }
        return total
    }

    /// Records one comparison and returns its part of the passing summary.
    private func compare(_ key: String, _ value: Int64, _ median: Double, _ drills: [DrillRecord], _ transcript: CheckTranscript) -> String {
        let days = Set(drills.map { ISO8601.day($0.startedAt) }).sorted()
        let basis = drills.count == 1 ? "the last good drill (\(days[0]))"
            : "the median of the last \(drills.count) good drills (\(days.count == 1 ? days[0] : "\(days.first!) to \(days.last!)"))"
        let medianText = Int64(exactly: median).map(String.init) ?? String(format: "%.1f", median)
        // Against the median's size, so a negative total (refunds outweighing sales) has the same band.
        let scale = abs(median)
        let change = scale == 0 ? nil : (Double(value) - median) / scale
        let lower = median - scale * settings.drop, upper = median + scale * settings.growth
        let ok = Double(value) >= lower && (scale == 0 || Double(value) <= upper)
        transcript.observe(key, expected: "\(medianText) (\(basis)), −\(CheckWording.percent(settings.drop)) to +\(CheckWording.percent(settings.growth))",
                           actual: String(value), ok: ok)
        let subject = Self.subject(key)
        // A tenth of a percent is as fine as a volume signal gets.
        let rounded = change.map { ($0 * 1000).rounded() / 1000 }
        let changeText = rounded.map { ($0 >= 0 ? "+" : "") + CheckWording.percent($0) } ?? "from zero"
        if Double(value) < lower {
            transcript.fail("\(subject): \(value), \(CheckWording.percent(-(rounded ?? 0))) fewer than \(basis), \(medianText), "
                            + "beyond the \(CheckWording.percent(settings.drop)) drop threshold: production lost data since, or the backup is of the wrong database")
        } else if !ok {
            transcript.fail("\(subject): \(value), \(changeText) on \(basis), \(medianText), beyond the \(CheckWording.percent(settings.growth)) growth ceiling: "
                            + "data restored twice, or the backup is of another database")
        }
        return "\(subject) \(value) (\(changeText) on \(medianText))"
    }

    /// `public.orders`, `public.orders.total_cents total`.
    static func subject(_ key: String) -> String {
        key.hasPrefix("rows ") ? String(key.dropFirst(5)) : String(key.dropFirst(6)) + " total"
    }

    static func list(_ figures: [(String, Int64)]) -> String {
        figures.map { "\(subject($0.0)) \($0.1)" }.joined(separator: ", ")
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension DrillRecord {
    /// A figure a check of this drill measured for later ones to compare with.
    func measurement(_ key: String) -> Int64? {
        checks.lazy.compactMap { $0.measurements?[key] }.first
    }
}
