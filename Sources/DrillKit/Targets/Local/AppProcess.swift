import Foundation
import Synchronization

/// The application under drill, started as a child process (a local environment). Its
/// output is kept as evidence: the last lines, and the first line that hits a
/// `logs.must_not_contain` pattern. Stopping it cancels the task that runs it, which sends
/// SIGTERM and, 3 s later, SIGKILL.
public final class AppProcess: Sendable {
    public let commandLine: String
    private let output: AppOutput
    private let task: Task<Void, Never>

    /// Starts `command`; returns at once.
    public init(_ command: Command, forbidden: [String]) {
        let output = AppOutput(forbidden: forbidden)
        self.commandLine = command.displayLine
        self.output = output
        self.task = Task {
            let exit: String
            do {
                let result = try await CommandRunner.run(command, captureLimit: 1 << 16,
                                                         onStandardOutputLine: { output.record($0) },
                                                         onStandardErrorLine: { output.record($0) })
                exit = Task.isCancelled ? "stopped by the harness" : result.statusDescription
            } catch {
                exit = Task.isCancelled ? "stopped by the harness" : "\(error)"
            }
            output.finish(exit)
        }
    }

    /// How it ended (`exit code 1`), or nil while it runs.
    public var exit: String? { output.state.withLock { $0.exit } }
    public var lastLines: [String] { output.state.withLock { $0.lines } }
    public var forbiddenHit: (pattern: String, line: String)? {
        output.state.withLock { state in state.hit.map { ($0.pattern, $0.line) } }
    }

    public func stop() async {
        task.cancel()
        await task.value
    }
}

extension AppProcess: BootingApp {
    func exitDescription() async -> String? { exit }
    func recentLines() async -> [String] { lastLines }
    func forbiddenHit() async -> (pattern: String, line: String)? { forbiddenHit }
}
