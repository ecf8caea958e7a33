import Foundation

/// `gc` on the engine: compose projects left by a killed harness. Only what carries the
/// harness's run label is considered (never another compose project), and only when the
/// harness that made it ran on this host and is gone.
enum ComposeLeftovers {
    struct Project: Equatable {
        var name: String
        var runId: String
        var harness: String
    }

    /// Projects with at least one container, volume or network labelled by a drill.
    /// `skipped` says why the engine was not looked at (none answers): a host that only runs
    /// local drills has nothing there, and a stopped engine holds nothing that runs.
    static func find() async -> (projects: [Project], problem: String?, skipped: String?) {
        guard let info = try? await CommandRunner.run(Command("docker", ["info", "--format", "{{.ServerVersion}}"])) else {
            return ([], nil, nil)  // no docker client: nothing of ours can exist on an engine from here
        }
        guard info.succeeded else {
            return ([], nil, "compose projects not checked: no Docker engine answers (\(info.errorTail(lines: 1))); run gc again where it does")
        }
        let format = "{{.Label \"\(ComposeProject.projectLabel)\"}}\t{{.Label \"\(ComposeTarget.runLabel)\"}}\t{{.Label \"\(ComposeTarget.harnessLabel)\"}}"
        let filter = "label=" + ComposeTarget.runLabel
        var projects: [Project] = []
        for arguments in [["ps", "--all"], ["volume", "ls"], ["network", "ls"]] {
            let output = try? await CommandRunner.run(Command("docker", arguments + ["--filter", filter, "--format", format]))
            guard let output, output.succeeded else {
                return ([], "could not list the engine's labelled resources: \(output?.errorTail() ?? "docker did not start")", nil)
            }
            for line in output.standardOutput.split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 3, !fields[1].isEmpty else { continue }
                let project = Project(name: fields[0], runId: fields[1], harness: fields[2])
                if !projects.contains(project) { projects.append(project) }
            }
        }
        return (projects, nil, nil)
    }

    /// Whether the harness named by `host:pid` still runs, or ran elsewhere. A label that does
    /// not read as `host:pid` names no harness gc could check, so it counts as elsewhere: gc
    /// never removes what it cannot show is abandoned.
    static func owner(_ harness: String) -> (elsewhere: Bool, alive: Bool) {
        let parts = harness.split(separator: ":")
        guard parts.count == 2, let pid = Int32(parts[1]) else { return (true, false) }
        guard String(parts[0]) == ProcessInfo.processInfo.hostName else { return (true, false) }
        return (false, processIsAlive(pid))
    }

    static func collect(dryRun: Bool, into outcome: inout LeftoverCollector.Outcome) async {
        let (projects, problem, skipped) = await find()
        if let problem { outcome.problems.append(problem) }
        if let skipped { outcome.kept.append(skipped) }
        for project in projects {
            let label = "compose project \(project.name) (run \(project.runId))"
            let owner = owner(project.harness)
            let keptBecause = owner.elsewhere ? "made by a harness on another host (\(project.harness)); run gc there"
                : owner.alive ? "its harness (\(project.harness)) is still running" : nil
            guard outcome.mayRemove(label, keptBecause: keptBecause, dryRun: dryRun) else { continue }
            // No compose file: the project's label is enough for `down` and the sweep.
            let (actions, leftovers) = await ComposeProject(name: project.name, files: [], variables: [:])
                .tearDown(alsoLabelled: [ComposeTarget.runLabel + "=" + project.runId])
            if leftovers.isEmpty {
                outcome.removed.append("removed \(label)" + (actions.first.map { " (\($0))" } ?? ""))
            } else {
                outcome.problems.append("\(label): still there: " + leftovers.joined(separator: ", "))
            }
        }
    }
}
