import Foundation
@testable import DrillKit

/// A target that creates nothing (NIOEmbedded beside NIOPosix is the model): it does what its
/// script says and remembers what it was asked, so the runner's rules can be tested in
/// milliseconds without PostgreSQL or a container engine.
final class FakeTarget: DrillTarget {
    struct Script: Sendable {
        var create: ScriptedBehavior = .pass
        var boot: ScriptedBehavior = .pass
        var leftovers: [String] = []
    }

    struct Calls: Sendable {
        var names: [String] = []
        var created = false
        var appStarted = false
        /// Whether the drill's cancellation reached the teardown (it must not).
        var teardownSawCancellation: Bool?
    }

    let script: Script
    let interruption: Interruption
    let calls = Mutex(Calls())

    init(_ script: Script = Script(), interruption: Interruption) {
        self.script = script
        self.interruption = interruption
    }

    var names: [String] { calls.withLock { $0.names } }
    private func note(_ name: String) { calls.withLock { $0.names.append(name) } }

    var kind: String { "fake" }
    var creationTitle: String { "Create the fake throwaway" }

    func prepare(_ backup: inout PreparedBackup, _ record: inout DrillRecord) async throws { note("prepare") }
    var hostPostgresPrograms: PostgresBinaries? { nil }

    func create(for backup: PreparedBackup, _ record: inout DrillRecord) async throws -> TargetCreation {
        note("create")
        calls.withLock { $0.created = true }
        try await script.create.act(interruption)
        return TargetCreation(result: StepResult("fake throwaway up"), connection: nil)
    }

    func restoreTools(for dump: PreparedDump, _ record: inout DrillRecord) async throws -> RestoreToolsReady {
        throw StepFailure(.error, "a fake target restores nothing")
    }

    func recover(_ setup: RecoverySetup) async throws -> RecoveryOutcome {
        throw StepFailure(.error, "a fake target recovers nothing")
    }

    func connectionParameters(database: String) -> ConnectionParameters? { nil }
    var privateDirectory: String? { nil }
    var restoredFile: String? { nil }

    func placeKey(_ key: InstalledMasterKey, _ spec: MasterKeySpec, installed: String) async throws -> String { installed }

    func bootApp(_ spec: AppSpec, key: InstalledMasterKey?) async throws -> BootedApp {
        note("boot")
        calls.withLock { $0.appStarted = true }
        try await script.boot.act(interruption)
        return BootedApp(address: AppAddress(port: 1), message: "fake app up", evidence: [])
    }

    func migrationCommand(_ spec: MigrateSpec, variables: [String: String], key: InstalledMasterKey?) throws -> Command {
        note("migrationCommand")
        return Command("/bin/true", [])
    }

    func stopApp() async -> AppStop {
        note("stopApp")
        guard calls.withLock({ $0.appStarted }) else { return AppStop() }
        return AppStop(actions: ["fake app stopped"], log: ["fake app: shutting down"])
    }

    func tearDown() async -> TargetTeardown {
        calls.withLock { $0.teardownSawCancellation = Task.isCancelled }
        // A pause that cancellation would cut short, as a real teardown's waits for a server.
        await uncancellableSleep(milliseconds: 5)
        note("tearDown")
        guard calls.withLock({ $0.created }) else {
            return TargetTeardown(actions: ["no throwaway target was created"], summary: "fake throwaway removed")
        }
        return TargetTeardown(actions: ["removed the fake throwaway"], leftovers: script.leftovers, summary: "fake throwaway removed")
    }

    func checkCommand(_ arguments: [String], service: String?) throws -> Command {
        throw StepFailure(.error, "a fake target runs no command")
    }

    static func collectLeftovers(dryRun: Bool, into outcome: inout LeftoverCollector.Outcome) async {}
}
