import Foundation
@testable import DrillKit

/// What a scripted step, check phase or fake target method does when it runs.
enum ScriptedBehavior: Sendable, CustomStringConvertible {
    case pass
    /// Throws a step failure: the backup is at fault.
    case fail
    /// Throws an error that is not a step failure (a bug, a tool that broke).
    case throwPlain
    /// A signal arrives while it runs: the interruption is recorded and the drill's task cancelled.
    case interrupt
    /// Runs until the drill is cancelled (its deadline).
    case hang

    static let failure = "scripted failure"
    static let signal = "SIGTERM"

    struct PlainError: Error, CustomStringConvertible {
        var description: String { "a scripted plain error" }
    }

    func act(_ interruption: Interruption) async throws {
        switch self {
        case .pass:
            return
        case .fail:
            throw StepFailure(.fail, Self.failure)
        case .throwPlain:
            throw PlainError()
        case .interrupt:
            // What the signal handler does: record why, then cancel the drill.
            interruption.record(Self.signal)
            withUnsafeCurrentTask { $0?.cancel() }
            try await Task.sleep(for: .seconds(60))
        case .hang:
            try await Task.sleep(for: .seconds(60))
        }
    }

    var description: String {
        switch self {
        case .pass: "pass"
        case .fail: "fail"
        case .throwPlain: "throw"
        case .interrupt: "interrupt"
        case .hang: "hang"
        }
    }
}
