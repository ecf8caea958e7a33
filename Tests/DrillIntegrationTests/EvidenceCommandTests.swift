import Foundation
import Testing
@testable import DrillKit

/// keygen, verify-report, history and controls as operators and CI run them: the exit codes
/// are the contract a pipeline gates on, so each is shown both ways.
@Suite struct EvidenceCommandTests {
    @Test func keygenThenVerifyReportAndHistoryGateByExitCode() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = scratch.path

        let keygen = try await HarnessBinary.run(["keygen", "--out", folder + "/signing.pem"])
        #expect(keygen.exitCode == 0, "\(keygen.standardError)")
        let again = try await HarnessBinary.run(["keygen", "--out", folder + "/signing.pem"])
        #expect(again.exitCode == 2)
        #expect(again.standardError.contains("never overwrites"))

        // Two signed monthly records, as `run --signing-key` writes them.
        let key = try SigningKey.load(file: folder + "/signing.pem")
        let reports = folder + "/reports"
        for month in 0..<2 {
            var record = DrillRecord(runId: "2026100\(month)T021500Z-e\(month)", scenarioName: "shop", scenarioFile: "shop.yml",
                                     startedAt: ISO8601.date(from: "2026-10-01T02:15:00Z")!.addingTimeInterval(Double(month) * 20 * 86400),
                                     verdict: .pass, exitCode: 0, summary: "ok")
            record.cadenceSeconds = 31 * 86400
            record.controls = ["SOC 2 A1.3"]
            try ReportWriter.write(record, to: reports, formats: [.junit, .markdown, .json], signingKey: key)
        }
        let pinned = ["--public-key", folder + "/signing.pub.pem"]
        let intact = try await HarnessBinary.run(["verify-report", reports] + pinned)
        #expect(intact.exitCode == 0, "\(intact.standardOutput)\(intact.standardError)")
        #expect(intact.standardOutput.contains("2 record(s) intact"))

        let onTime = try await HarnessBinary.run(["history", reports, "--as-of", "2026-11-01T00:00:00Z", "--fail-if-overdue"] + pinned)
        #expect(onTime.exitCode == 0, "\(onTime.standardOutput)")
        let onTimeByDay = try await HarnessBinary.run(["history", reports, "--as-of", "2026-11-01", "--fail-if-overdue"] + pinned)
        #expect(onTimeByDay.exitCode == 0, "a day is its midnight UTC: \(onTimeByDay.standardOutput)\(onTimeByDay.standardError)")
        let overdueByDay = try await HarnessBinary.run(["history", reports, "--as-of", "2026-12-31", "--fail-if-overdue"] + pinned)
        #expect(overdueByDay.exitCode == 1)
        let notADay = try await HarnessBinary.run(["history", reports, "--as-of", "2026-13-45"] + pinned)
        #expect(notADay.exitCode != 0)
        #expect(notADay.standardError.contains("--as-of 2026-13-45 is not an ISO 8601 UTC time or day"), "\(notADay.standardError)")
        let overdue = try await HarnessBinary.run(["history", reports, "--as-of", "2026-12-31T00:00:00Z", "--fail-if-overdue"] + pinned)
        #expect(overdue.exitCode == 1)
        #expect(overdue.standardOutput.contains("OVERDUE: no passing drill since 2026-10-21"))

        let controls = try await HarnessBinary.run(["controls", reports] + pinned)
        #expect(controls.exitCode == 0)
        #expect(controls.standardOutput.contains("| **SOC 2 A1.3**"))

        // Delete the first record: the second one's link names it, and the gate closes.
        let first = try FileManager.default.contentsOfDirectory(atPath: reports).sorted().first { $0.hasSuffix("e0.json") }!
        try FileManager.default.removeItem(atPath: reports + "/" + first)
        let broken = try await HarnessBinary.run(["verify-report", reports] + pinned)
        #expect(broken.exitCode == 1)
        #expect(broken.standardOutput.contains("BROKEN"))
        #expect(broken.standardOutput.contains("run 20261000T021500Z-e0"))
        let missing = try await HarnessBinary.run(["verify-report", folder + "/nowhere"])
        #expect(missing.exitCode == 2)
    }

    @Test func runRefusesAKeyOthersCanReadBeforeTheDrillStarts() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let folder = scratch.path
        try SigningKey.generate().write(privateKeyTo: folder + "/open.pem")
        chmod(folder + "/open.pem", 0o644)
        let result = try await HarnessBinary.run(["run", "no-such-scenario.yml", "--signing-key", folder + "/open.pem"])
        #expect(result.exitCode == 2)
        #expect(result.standardError.contains("chmod 600"))
        #expect(!result.standardError.contains("PRIVATE KEY"))
    }
}
