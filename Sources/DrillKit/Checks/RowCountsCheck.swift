import Foundation

/// `row_counts`: the exact `count(*)` of each listed table against what production reported
/// at dump time (or the scenario's own numbers), optionally within a relative tolerance.
public struct RowCountsCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: RowCountsCheckSpec

    public init(spec: CheckSpec, settings: RowCountsCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "row counts: " + settings.tables.joined(separator: ", ") }

    public var tableScanNeeds: [TableScanNeed] {
        settings.tables.map { TableScanNeed(table: $0.sqlQualifiedIdentifier, .rowCount) }
    }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        guard !settings.tables.isEmpty else {
            transcript.cannotVerify("no tables are listed, so nothing was counted")
            return transcript.outcome(passing: "")
        }
        let expected = expectedCounts(manifest: context.manifest, transcript: transcript)
        if case .manifest = settings.expect, context.manifest == nil {
            return transcript.outcome(passing: "")
        }

        let present: [String]
        do {
            let facts = try await RestoredCatalog.describe(settings.tables.map { ($0, nil) }, in: transcript)
            present = zip(settings.tables, facts).compactMap { table, fact in
                if fact.tableExists { return table }
                transcript.fail("table \(table) does not exist in the restored database")
                transcript.observe(table, expected: expected[table].map(String.init) ?? "a table",
                                   actual: "missing", ok: false)
                return nil
            }
        } catch {
            transcript.record(error, while: "look the tables up in the restored catalog")
            return transcript.outcome(passing: "")
        }
        guard !present.isEmpty else { return transcript.outcome(passing: "") }

        let counts: [String: Int64]
        do {
            counts = try await transcript.exactRowCounts(of: present)
        } catch {
            transcript.record(error, while: "count rows")
            return transcript.outcome(passing: "")
        }

        var summaries: [String] = []
        for table in present {
            guard let actual = counts[table] else {
                transcript.cannotVerify("the count of \(table) did not come back")
                continue
            }
            guard let wanted = expected[table] else {
                transcript.observe(table, expected: "unknown", actual: String(actual), ok: false)
                continue
            }
            summaries.append(compare(table: table, actual: actual, expected: wanted, owner: context.manifest?.owner ?? "production", transcript: transcript))
        }
        let source = if case .manifest = settings.expect { context.manifest?.owner ?? "production" } else { "the scenario" }
        return transcript.outcome(passing: "row counts match \(source): " + summaries.joined(separator: ", "))
    }

    private func expectedCounts(manifest: Manifest?, transcript: CheckTranscript) -> [String: Int64] {
        var expected: [String: Int64] = [:]
        switch settings.expect {
        case .manifest:
            guard let manifest else {
                transcript.cannotVerify("expect: manifest, but this drill has no manifest (set backup.manifest), "
                                        + "so there is nothing to compare the row counts with")
                return [:]
            }
            for table in settings.tables {
                if let count = manifest.rowCount(of: table) {
                    expected[table] = count
                } else {
                    transcript.cannotVerify("the manifest has no row count for \(manifest.qualifiedName(table))")
                }
            }
        case .value(let values):
            for table in settings.tables {
                if let count = ExpectationKeys.lookup(values, ExpectationKeys.candidates(table: table)) {
                    expected[table] = count
                } else {
                    transcript.cannotVerify("the scenario gives no expected row count for \(table)")
                }
            }
        }
        return expected
    }

    /// Records the comparison and returns the table's part of the passing summary.
    private func compare(table: String, actual: Int64, expected: Int64, owner: String, transcript: CheckTranscript) -> String {
        let difference = CheckWording.signedDifference(actual, from: expected)
        let relative = expected == 0 ? (actual == 0 ? 0 : Double.infinity)
            : (Double(actual) - Double(expected)) / Double(expected)
        let within = settings.tolerance.map { abs(relative) <= $0 } ?? (actual == expected)
        let expectedText = settings.tolerance.map { "\(expected) ± \(CheckWording.percent($0))" } ?? String(expected)
        transcript.observe(table, expected: expectedText, actual: String(actual), ok: within)

        let reported = if case .manifest = settings.expect { "\(owner) reported" } else { "the scenario expects" }
        if !within {
            var detail = difference
            if let tolerance = settings.tolerance {
                let share = relative.isFinite ? CheckWording.percent(relative) : "from zero"
                detail += ", \(share), beyond the \(CheckWording.percent(tolerance)) tolerance"
            }
            transcript.fail("\(table): \(CheckWording.count(actual, "row")), \(reported) \(expected) (\(detail))")
        }
        if actual == expected { return "\(table) \(actual)" }
        return "\(table) \(actual) (\(difference), within \(CheckWording.percent(settings.tolerance ?? 0)))"
    }
}
