import Foundation
import Testing
@testable import DrillKit

/// A drill stopped mid-restore leaves nothing behind and still writes its report; a harness
/// killed outright leaves a marked target that `gc` (and only `gc`) removes.
@Suite(.serialized) struct TeardownOnSignalTests {
    /// The slow dump and a local scenario that restores it.
    private static func writeSlowDrill(in scratch: ScratchFolder, name: String) async throws -> String {
        try await writeSlowDump(in: scratch)
        return try slowDrillScenario(in: scratch, name: name, environment: "  kind: local")
    }

    private static func targetFolders(scenario name: String) -> [String] {
        LeftoverCollector.find().filter { $0.marker.scenario == name }.map(\.directory)
    }

    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")])
    func signalMidRestoreTearsDownAndReports(signal: Int32, name: String) async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let drillName = "signal-\(name.lowercased())-\(RandomToken.hex(bytes: 3))"
        let scenario = try await Self.writeSlowDrill(in: scratch, name: drillName)
        let harness = try HarnessBinary.launch(["run", scenario], output: scratch.file("console.txt"))

        let restoring = await waitUntil(seconds: 60) { !processes(matching: ["pg_restore", "--dbname", scratch.file("big.dump")]).isEmpty }
        #expect(restoring, "pg_restore never started: \((try? String(contentsOfFile: scratch.file("console.txt"), encoding: .utf8)) ?? "")")
        let folders = Self.targetFolders(scenario: drillName)
        #expect(folders.count == 1)
        kill(harness.processIdentifier, signal)
        await harness.exited()

        #expect(harness.terminationStatus == 2)
        for folder in folders {
            #expect(!FileManager.default.fileExists(atPath: folder), "\(folder) left behind")
            #expect(LocalCluster.serverProcesses(using: folder + "/data").isEmpty)
        }
        #expect(Self.targetFolders(scenario: drillName).isEmpty)
        #expect(processes(matching: ["pg_restore", "--dbname", scratch.file("big.dump")]).isEmpty)

        let reports = try FileManager.default.contentsOfDirectory(atPath: scratch.file("reports-\(drillName)"))
        let record = try DrillRecord.only(in: scratch.file("reports-\(drillName)"))
        #expect(record.verdict == .error)
        #expect(record.exitCode == 2)
        #expect(record.summary.contains(name))
        #expect(record.step("restore")?.verdict == .error)
        #expect(record.checks.allSatisfy { $0.verdict == .skipped })
        #expect(record.teardown?.trigger == name)
        #expect(record.teardown?.leftovers == [])
        #expect(reports.contains { $0.hasSuffix(".xml") } && reports.contains { $0.hasSuffix(".md") })
    }

    @Test func killedHarnessLeavesATargetThatGCRemoves() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        let drillName = "killed-\(RandomToken.hex(bytes: 3))"
        let scenario = try await Self.writeSlowDrill(in: scratch, name: drillName)
        let harness = try HarnessBinary.launch(["run", scenario], output: scratch.file("console.txt"))
        #expect(await waitUntil(seconds: 60) { !processes(matching: ["pg_restore", "--dbname", scratch.file("big.dump")]).isEmpty })
        kill(harness.processIdentifier, SIGKILL)
        await harness.exited()

        let folders = Self.targetFolders(scenario: drillName)
        try #require(folders.count == 1)
        #expect(!LocalCluster.serverProcesses(using: folders[0] + "/data").isEmpty, "the killed harness's server should still run")

        let gc = try await HarnessBinary.run(["gc"])
        #expect(gc.succeeded, "\(gc.standardOutput)\(gc.standardError)")
        #expect(gc.standardOutput.contains(folders[0]))
        #expect(!FileManager.default.fileExists(atPath: folders[0]))
        #expect(LocalCluster.serverProcesses(using: folders[0] + "/data").isEmpty)
    }

    @Test func gcLeavesARunningDrillAlone() async throws {
        // A marked folder whose harness (this test process) is alive must survive gc.
        let folder = LocalCluster.defaultParentDirectory + "/" + ThrowawayMarker.folderPrefix + "alive-" + RandomToken.hex(bytes: 3)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ThrowawayMarker(runId: "alive", scenario: "alive").write(into: folder)
        // An unmarked folder with the same prefix is not ours to touch either.
        let unmarked = LocalCluster.defaultParentDirectory + "/" + ThrowawayMarker.folderPrefix + "unmarked-" + RandomToken.hex(bytes: 3)
        try FileManager.default.createDirectory(atPath: unmarked, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: unmarked) }

        let gc = try await HarnessBinary.run(["gc"])
        #expect(gc.succeeded)
        #expect(FileManager.default.fileExists(atPath: folder))
        #expect(FileManager.default.fileExists(atPath: unmarked))
        #expect(gc.standardOutput.contains("kept: \(folder)"))
    }
}
