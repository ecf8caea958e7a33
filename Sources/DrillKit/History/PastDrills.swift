import Foundation

/// The earlier good drills of one scenario, as a drill finds them in its reports folder:
/// what "production still looks like itself" is measured against. A record whose seal no
/// longer verifies is not a baseline: someone may have edited the figures it holds. Once a
/// scenario's records are signed, an unsigned one is no baseline either (a seal removed to
/// hide an edit looks like that).
public struct PastDrills: Sendable {
    /// The reports folder they were read from.
    public var folder: String
    /// Passing drills, newest first.
    public var good: [DrillRecord]
    /// Records of the scenario left out, each with why.
    public var distrusted: [String]
    /// Why the folder could not be read: the checks that needed it could not compare.
    public var problem: String?

    public init(folder: String, good: [DrillRecord], distrusted: [String] = [], problem: String? = nil) {
        self.folder = folder
        self.good = good
        self.distrusted = distrusted
        self.problem = problem
    }

    /// Nothing to compare with: a first drill, or a folder that does not exist yet.
    public static func none(in folder: String) -> PastDrills { PastDrills(folder: folder, good: []) }

    public static func read(_ folder: String, scenario: String, excludingRun runId: String) -> PastDrills {
        let records: RecordFolder
        do {
            records = try RecordFolder.readIfPresent(folder)
        } catch {
            return PastDrills(folder: folder, good: [], problem: "\(error)")
        }
        let runs = (DrillHistory.read(records).first { $0.scenario == scenario }?.runs ?? []).filter { $0.record.runId != runId }
        let signed = runs.contains { $0.integrityIntact }
        var distrusted = records.unreadable.map { "\($0.name) (\($0.reason))" }
        var good: [DrillRecord] = []
        for run in runs {
            if run.integrity == "BROKEN" {
                distrusted.append("\(run.fileName) (its seal does not verify)")
            } else if signed, !run.integrityIntact {
                distrusted.append("\(run.fileName) (unsigned, among signed records)")
            } else if run.record.verdict == .pass {
                good.append(run.record)
            }
        }
        return PastDrills(folder: folder, good: good.sorted { $0.startedAt > $1.startedAt }, distrusted: distrusted)
    }

    /// `(1 record left out: …)`, or nothing.
    var distrustedNote: String {
        guard !distrusted.isEmpty else { return "" }
        return " (\(CheckWording.count(Int64(distrusted.count), "record")) left out: \(distrusted.joined(separator: "; ")))"
    }
}
