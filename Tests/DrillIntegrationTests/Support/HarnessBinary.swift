import Foundation
@testable import DrillKit

/// The built `restore-drill` executable, run as a separate process the way operators run it.
enum HarnessBinary {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static func path(_ name: String = "restore-drill") throws -> String {
        for configuration in ["debug", "release"] {
            let candidate = packageRoot + "/.build/\(configuration)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ScratchError("\(name) is not built: run `swift build` before the tests (scripts/test.sh does)")
    }

    /// Starts the harness in the background; the caller signals and reaps it.
    static func launch(_ arguments: [String], environment: [String: String] = [:], output: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CommandOutput {
        let changes = environment.mapValues { Optional($0) }
        return try await CommandRunner.run(Command(try path(), arguments, environment: changes))
    }
}

/// Pids of running processes whose command line contains every fragment.
func processes(matching fragments: [String]) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let line = LocalCluster.commandLine(of: pid) else { return false }
        return fragments.allSatisfy { line.contains($0) }
    }
}

/// Polls until `condition` holds or the time is up.
func waitUntil(seconds: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

/// Runs `body`, then `cleanup`, awaited on every path: a `defer { Task { … } }` would let the
/// cleanup (an sshd, a cluster, a compose project) outlive the test.
func withCleanup<T: Sendable>(_ cleanup: () async -> Void, _ body: () async throws -> T) async throws -> T {
    do {
        let value = try await body()
        await cleanup()
        return value
    } catch {
        await cleanup()
        throw error
    }
}

extension Process {
    /// Waits for the process to end without holding a thread: `waitUntilExit()` blocks one of the
    /// few the test runner shares (one per core), and two such waits stall every other test.
    func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }
}
