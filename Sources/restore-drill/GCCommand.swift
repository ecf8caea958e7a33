import ArgumentParser
import DrillKit
import Foundation

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove throwaway targets left behind by a killed harness.",
        discussion: """
            Removes only folders marked by restore-drill (and the PostgreSQL servers running from \
            them), and compose projects whose containers, volumes or networks carry a drill's \
            run label, when the harness that made them is gone. A drill that is still running, \
            a project made by a harness on another host, and any compose project without the \
            label are left alone.
            """
    )

    @Flag(name: .customLong("dry-run"), help: "List what would be removed, remove nothing.")
    var dryRun = false

    func run() async throws {
        let outcome = await LeftoverCollector.collect(dryRun: dryRun)
        for line in outcome.removed { print(line) }
        for line in outcome.kept { print("kept: \(line)") }
        for line in outcome.problems { print("could not remove: \(line)") }
        if outcome.removed.isEmpty && outcome.kept.isEmpty && outcome.problems.isEmpty {
            print("nothing to remove: no throwaway target is left behind")
        }
        if !outcome.problems.isEmpty { throw ExitCode(2) }
    }
}
