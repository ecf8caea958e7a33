import Foundation
import Subprocess
import SystemPackage

/// A child process to run. Secrets go in `environment`, never in `arguments`.
public struct Command: Sendable {
    public var executable: String
    public var arguments: [String]
    /// Changes on top of the inherited environment; `nil` removes a variable.
    public var environment: [String: String?]
    public var workingDirectory: String?
    public var runAs: SystemUser?

    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String?] = [:],
                workingDirectory: String? = nil, runAs: SystemUser? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.runAs = runAs
    }

    /// The command as a person would type it (arguments only: the environment holds secrets).
    public var displayLine: String {
        ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

public struct CommandOutput: Sendable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var standardOutput: String
    public var standardError: String

    public var succeeded: Bool { exitCode == 0 }

    public var statusDescription: String {
        if let exitCode { return "exit code \(exitCode)" }
        if let signal { return "killed by signal \(signal)" }
        return "unknown termination"
    }

    /// The last lines of standard error, for messages that quote a tool's own words.
    public func errorTail(lines: Int = 8) -> String {
        standardError.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
    }
}

public struct CommandLaunchError: Error, CustomStringConvertible {
    public var command: String
    public var reason: String
    public var description: String { "could not start \(command): \(reason)" }
}

public enum CommandRunner {
    /// Runs a command to completion, streaming each output line to the callbacks while
    /// keeping at most `captureLimit` bytes of each stream. A cancelled task stops the child
    /// (SIGTERM, then SIGKILL after 3 s) before this returns; with `ownSession`, the child
    /// runs in a session of its own and the signals reach everything it started too.
    public static func run(
        _ command: Command,
        captureLimit: Int = 16 << 20,
        ownSession: Bool = false,
        onStandardOutputLine: (@Sendable (String) -> Void)? = nil,
        onStandardErrorLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> CommandOutput {
        var command = command
        if let user = command.runAs {
            // Not PlatformOptions.userID/groupID: they make swift-subprocess fork instead of
            // posix_spawn, and the child can deadlock in setgroups (swift-subprocess #374).
            command = Command(runuser, ["-u", user.name, "--", command.executable] + command.arguments,
                              environment: command.environment, workingDirectory: command.workingDirectory)
        }
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: ownSession, allowedDurationToNextStep: .seconds(3))]
        options.createSession = ownSession
        let executable: Executable = command.executable.contains("/")
            ? .path(FilePath(command.executable)) : .name(command.executable)
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in command.environment { updates[Environment.Key(stringLiteral: key)] = value }
        do {
            let result = try await Subprocess.run(
                executable,
                arguments: Arguments(command.arguments),
                environment: .inherit.updating(updates),
                workingDirectory: command.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                output: .sequence,
                error: .sequence
            ) { execution in
                async let out = collect(execution.standardOutput, limit: captureLimit, onLine: onStandardOutputLine)
                async let err = collect(execution.standardError, limit: captureLimit, onLine: onStandardErrorLine)
                return try await (out, err)
            }
            let (stdout, stderr) = result.closureResult
            switch result.terminationStatus {
            case .exited(let code):
                return CommandOutput(exitCode: code, signal: nil, standardOutput: stdout, standardError: stderr)
            case .signaled(let signal):
                return CommandOutput(exitCode: nil, signal: signal, standardOutput: stdout, standardError: stderr)
            }
        } catch let error as SubprocessError {
            throw CommandLaunchError(command: command.executable, reason: "\(error)")
        }
    }

    private static var runuser: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "runuser"
    }

    private static func collect(
        _ sequence: SubprocessOutputSequence,
        limit: Int,
        onLine: (@Sendable (String) -> Void)?
    ) async throws -> String {
        var kept = ""
        var dropped = false
        for try await line in sequence.strings() {
            onLine?(line)
            if kept.utf8.count + line.utf8.count < limit {
                kept += line + "\n"
            } else {
                dropped = true
            }
        }
        if dropped { kept += "[output truncated at \(limit) bytes]\n" }
        return kept
    }
}
