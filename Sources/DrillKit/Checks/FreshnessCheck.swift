import Foundation

/// `freshness`: the newest value of the columns that say how new the data is
/// (`orders.created_at`) must be within `tolerance` of when the backup's data stops (the
/// dump's creation time, or the last transaction a recovery replayed). A dump taken today of a
/// replica that stopped a year ago restores cleanly and passes every structural check; this
/// is what catches it, and what the RPO is then measured from.
public struct FreshnessCheck: DrillCheck {
    public let spec: CheckSpec
    public let settings: FreshnessCheckSpec

    public init(spec: CheckSpec, settings: FreshnessCheckSpec) {
        self.spec = spec
        self.settings = settings
    }

    public var displayName: String { "freshness: " + settings.columns.map(\.description).joined(separator: ", ") }

    public func run(in context: CheckContext) async -> CheckOutcome {
        let transcript = CheckTranscript(context)
        var newest: (at: Date, column: String)?
        for column in settings.columns {
            let sql = "SELECT extract(epoch FROM max(\(column.column.sqlIdentifier))::timestamptz)::text FROM \(column.qualifiedTable.sqlQualifiedIdentifier)"
            do {
                guard let epoch = try await transcript.query(sql).scalar.flatMap(Double.init) else {
                    transcript.cannotVerify("\(column) holds no value, so it says nothing of how new the data is")
                    continue
                }
                let at = Date(timeIntervalSince1970: epoch)
                transcript.observe(column.description, expected: "newest value", actual: ISO8601.string(from: at, fractional: false), ok: true)
                if newest.map({ at > $0.at }) ?? true { newest = (at, column.description) }
            } catch {
                transcript.record(error, while: "read the newest \(column)")
            }
        }
        guard let newest else { return transcript.outcome(passing: "") }
        var outcome: CheckOutcome
        guard let cutoff = context.dataCutoff else {
            transcript.cannotVerify("the newest data is \(ISO8601.string(from: newest.at, fractional: false)) (\(newest.column)), "
                                    + "but when the backup was taken is unknown, so there is nothing to compare it with")
            outcome = transcript.outcome(passing: "")
            outcome.dataAsOf = DataAsOf(at: newest.at, column: newest.column)
            return outcome
        }
        let age = cutoff.at.timeIntervalSince(newest.at)
        let newestText = "\(ISO8601.string(from: newest.at, fractional: false)) (\(newest.column))"
        let cutoffText = "\(ISO8601.string(from: cutoff.at, fractional: false)), \(cutoff.basis)"
        transcript.observe("newest data", expected: "within \(DurationText.formatObjective(settings.toleranceSeconds)) of \(cutoffText)",
                           actual: newestText, ok: age <= settings.toleranceSeconds)
        if age > settings.toleranceSeconds {
            transcript.fail("the newest data is \(newestText), \(DurationText.format(age)) before the backup's data stops (\(cutoffText)): "
                            + "the backup holds stale data (a replica that stopped replicating, or a dump of the wrong database, looks like this)")
        }
        let relation = age >= 0 ? "\(DurationText.format(age)) before" : "\(DurationText.format(-age)) after"
        outcome = transcript.outcome(passing: "the newest data is \(newestText), \(relation) \(cutoffText)")
        outcome.dataAsOf = DataAsOf(at: newest.at, column: newest.column)
        return outcome
    }
}
