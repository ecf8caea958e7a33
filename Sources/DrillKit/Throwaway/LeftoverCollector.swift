import Foundation

/// `restore-drill gc`: removes what a killed harness left behind: only folders carrying the
/// harness's marker, and only when the process that made them is gone. It never touches a
/// running drill, nor anything it did not create.
public enum LeftoverCollector {
    public struct Leftover: Sendable {
        public var directory: String
        public var marker: ThrowawayMarker
        public var ownerAlive: Bool
    }

    public struct Outcome: Sendable {
        public var removed: [String]
        public var kept: [String]
        public var problems: [String]
    }

    public static func find(in parents: [String] = defaultParents) -> [Leftover] {
        var seen = Set<String>()
        var leftovers: [Leftover] = []
        for parent in parents {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
            for name in names.sorted() where name.hasPrefix(ThrowawayMarker.folderPrefix) {
                let directory = parent + "/" + name
                let canonical = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
                guard seen.insert(canonical).inserted, let marker = ThrowawayMarker.read(from: directory) else { continue }
                leftovers.append(Leftover(directory: directory, marker: marker, ownerAlive: processIsAlive(marker.harnessPid)))
            }
        }
        return leftovers
    }

    /// Folders under `parents`, then compose projects on the engine
    /// that `DOCKER_HOST` or the current context names.
    public static func collect(in parents: [String] = defaultParents, dryRun: Bool = false) async -> Outcome {
        var outcome = Outcome(removed: [], kept: [], problems: [])
        for leftover in find(in: parents) {
            let label = "\(leftover.directory) (run \(leftover.marker.runId), scenario \(leftover.marker.scenario))"
            if leftover.ownerAlive {
                outcome.kept.append("\(label): its harness (pid \(leftover.marker.harnessPid)) is still running")
                continue
            }
            if dryRun {
                outcome.removed.append("would remove \(label)")
                continue
            }
            let result = await LocalCluster.remove(directory: leftover.directory)
            outcome.removed.append(contentsOf: result.actions.map { "\($0) [\(label)]" })
            outcome.problems.append(contentsOf: result.leftovers)
        }
        await ComposeLeftovers.collect(dryRun: dryRun, into: &outcome)
        return outcome
    }

    public static var defaultParents: [String] {
        Array(Set([LocalCluster.defaultParentDirectory, "/tmp"]))
    }
}
