import Foundation

/// The `upgrade.commands` outputs: each program run on the restored copy through one version
/// (a plugin list, a `version` subcommand), and what changed between the two versions' runs.
enum UpgradeCommandOutputs {
    /// A report keeps at most this much of each output.
    static let limit = 64 * 1024

    /// By name; throws a step failure naming the command that could not run or failed.
    static func read(_ commands: [UpgradeCommand], _ drill: DrillContext, side: String) async throws -> [String: String]? {
        guard !commands.isEmpty else { return nil }
        var outputs: [String: String] = [:]
        for command in commands {
            let arguments = side == "new" ? command.runUpgraded ?? command.run : command.run
            let prepared = try drill.target.checkCommand(arguments, service: command.service)
            let output: CommandOutput
            do {
                output = try await CommandRunner.run(prepared)
            } catch {
                throw StepFailure(.error, "the command \(command.name) could not start under the \(side) version: \(drill.secrets.redact("\(error)"))")
            }
            guard output.succeeded else {
                throw StepFailure(side == "current" ? .error : .fail,
                                  "the command \(command.name) failed under the \(side) version (\(output.statusDescription)): "
                                  + drill.secrets.redact(output.errorTail()))
            }
            outputs[command.name] = String(drill.secrets.redact(output.standardOutput).utf8.prefix(limit)) ?? ""
        }
        return outputs
    }

    /// Nil when `after` is `before` as `allow` reads it, else the first difference in words.
    static func difference(_ before: String, _ after: String, allow: UpgradeCommand.Allowance) -> String? {
        let old = lines(before), new = lines(after)
        let normalize = allow.normalized
        for index in 0..<max(old.count, new.count) {
            let was = index < old.count ? old[index] : nil, now = index < new.count ? new[index] : nil
            guard was.map(normalize) != now.map(normalize) else { continue }
            switch (was, now) {
            case (let was?, let now?): return "line \(index + 1) was '\(was)', is '\(now)'"
            case (let was?, nil): return "line \(index + 1) '\(was)' is gone"
            case (nil, let now?): return "line \(index + 1) '\(now)' is new"
            default: continue
            }
        }
        return nil
    }

    /// `api 1.0.0 → 2.0.0`-style lines that changed only in their version numbers.
    static func bumps(_ before: String, _ after: String) -> [String] {
        zip(lines(before), lines(after)).compactMap { was, now in was == now ? nil : "\(was) → \(now)" }
    }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
