import Foundation

/// The earlier good drills of one scenario, as a drill finds them in its reports folder:
/// what "production still looks like itself" is measured against. A record whose seal no
/// longer verifies is not a baseline: someone may have edited the figures it holds.
public struct PastDrills: Sendable {
    /// The reports folder they were read from.
    public var folder: String
    /// Passing drills, newest first.
    public var good: [DrillRecord]
    /// Records of the scenario left out because their seal broke.
    public var distrusted: [String]

    public init(folder: String, good: [DrillRecord], distrusted: [String] = []) {
        self.folder = folder
        self.good = good
        self.distrusted = distrusted
    }

    /// Nothing to compare with: a first drill, or a folder that does not exist yet.
    public static func none(in folder: String) -> PastDrills { PastDrills(folder: folder, good: []) }

    /// Reads `folder`; a folder that cannot be read yields no past drills, and the checks that
    /// needed them say there was nothing to compare with.
    public static func read(_ folder: String, scenario: String, excludingRun runId: String) -> PastDrills {
        guard let records = try? RecordFolder.readIfPresent(folder) else { return .none(in: folder) }
        let runs = DrillHistory.read(records).first { $0.scenario == scenario }?.runs ?? []
        let earlier = runs.filter { $0.record.runId != runId }
        let distrusted = earlier.filter { $0.integrity == "BROKEN" }.map(\.fileName)
        let good = earlier.filter { $0.integrity != "BROKEN" && $0.record.verdict == .pass }
            .map(\.record).sorted { $0.startedAt > $1.startedAt }
        return PastDrills(folder: folder, good: good, distrusted: distrusted)
    }

    /// `(2 records with a broken seal left out)`, or nothing.
    var distrustedNote: String {
        distrusted.isEmpty ? "" : " (\(CheckWording.count(Int64(distrusted.count), "record")) with a broken seal left out)"
    }
}
