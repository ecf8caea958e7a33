import Foundation

/// One scenario's drills in order, and what an operator or auditor wants to know of them:
/// how the latest compares with the last good run, and whether a passing drill is overdue.
public struct ScenarioHistory: Sendable {
    public struct Run: Sendable {
        public var fileName: String
        public var record: DrillRecord
        /// `ok`, `unsigned`, or what broke (from verify-report's checks).
        public var integrity: String
        public var integrityIntact: Bool

        public var restoreSeconds: Double? {
            record.steps.first { $0.id == .restore && $0.verdict == .pass }?.durationSeconds
        }
    }

    public enum Overdue: Sendable, Equatable {
        /// No `evidence.cadence`: nothing to be overdue against.
        case noCadence
        case onTime(due: Date)
        /// `lastPass` nil: no drill of this scenario ever passed.
        case overdue(lastPass: Date?)

        public var isOverdue: Bool { if case .overdue = self { true } else { false } }
    }

    public var scenario: String
    public var runs: [Run]
    public var cadenceSeconds: Double?

    public var latest: Run? { runs.last }
    public var lastPass: Run? { runs.last { $0.record.verdict == .pass } }

    /// The last passing run before the latest one: what "slower than the last good run" means.
    public var lastGoodBeforeLatest: Run? { runs.dropLast().last { $0.record.verdict == .pass } }

    public func overdue(asOf now: Date) -> Overdue {
        guard let cadenceSeconds else { return .noCadence }
        guard let lastPass else {
            return .overdue(lastPass: nil)
        }
        let due = lastPass.record.startedAt.addingTimeInterval(cadenceSeconds)
        return due < now ? .overdue(lastPass: lastPass.record.startedAt) : .onTime(due: due)
    }

    /// "restore 19% slower than the last good run (2026-10-22)", one line per measure that
    /// both runs have; empty when there is nothing to compare with.
    public var trend: [String] {
        guard let latest, let good = lastGoodBeforeLatest else { return [] }
        let date = ISO8601.day(good.record.startedAt)
        var lines: [String] = []
        let measures: [(String, Double?, Double?)] = [
            (StepID.restore.rawValue, latest.restoreSeconds, good.restoreSeconds),
            ("RTO", latest.record.rto?.measuredSeconds, good.record.rto?.measuredSeconds),
            ("RPO", latest.record.rpo?.measuredSeconds, good.record.rpo?.measuredSeconds),
        ]
        for (name, now, then) in measures {
            guard let now, let then, then > 0 else { continue }
            lines.append("\(name) \(ScenarioHistory.change(from: then, to: now, larger: name == "RPO" ? "older" : "slower", smaller: name == "RPO" ? "fresher" : "faster")) than the last good run (\(date), \(DurationText.format(then)) → \(DurationText.format(now)))")
        }
        return lines
    }

    /// `19% slower`, `about the same`: changes under 5% are noise on a shared CI runner.
    static func change(from then: Double, to now: Double, larger: String, smaller: String) -> String {
        let percent = (now - then) / then * 100
        if abs(percent) < 5 { return "about the same (\(String(format: "%+.0f", percent))%)" }
        return "\(Int(abs(percent).rounded()))% \(percent > 0 ? larger : smaller)"
    }
}

/// Every scenario's history in a reports folder, with each record's integrity checked.
public enum DrillHistory {
    public static func read(_ folder: RecordFolder, trusting trusted: [TrustedKey] = []) -> [ScenarioHistory] {
        let verification = ReportVerifier.verify(folder, trusting: trusted)
        let status = Dictionary(verification.records.map { ($0.fileName, $0) }, uniquingKeysWith: { first, _ in first })
        return folder.scenarios.map { scenario in
            let runs = folder.records(of: scenario)
                .sorted { $0.record.startedAt < $1.record.startedAt }
                .map { stored -> ScenarioHistory.Run in
                    let checked = status[stored.fileName]
                    let intact = checked?.intact ?? false
                    let integrity: String
                    if intact {
                        integrity = "signed \(checked?.signerKeyID ?? "")"
                    } else if checked?.signerKeyID == nil {
                        integrity = "UNSIGNED"
                    } else {
                        integrity = "BROKEN"
                    }
                    return ScenarioHistory.Run(fileName: stored.fileName, record: stored.record, integrity: integrity, integrityIntact: intact)
                }
            let cadence = runs.last { $0.record.cadenceSeconds != nil }?.record.cadenceSeconds
            return ScenarioHistory(scenario: scenario, runs: runs, cadenceSeconds: cadence)
        }
    }
}
