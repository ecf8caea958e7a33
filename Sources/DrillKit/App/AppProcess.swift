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

/// What the app printed, shared between the task reading its pipes and the drill.
final class AppOutput: Sendable {
    static let keptLines = 200

    struct Hit {
        var pattern: String
        var line: String
    }

    struct State {
        var lines: [String] = []
        var hit: Hit?
        var exit: String?
    }

    let forbidden: [String]
    let state = Mutex(State())

    init(forbidden: [String]) {
        self.forbidden = forbidden
    }

    func record(_ line: String) {
        state.withLock { state in
            state.lines.append(line)
            if state.lines.count > Self.keptLines { state.lines.removeFirst(state.lines.count - Self.keptLines) }
            if state.hit == nil, let pattern = forbidden.first(where: { line.contains($0) }) {
                state.hit = Hit(pattern: pattern, line: line)
            }
        }
    }

    func finish(_ exit: String) {
        state.withLock { $0.exit = exit }
    }
}
