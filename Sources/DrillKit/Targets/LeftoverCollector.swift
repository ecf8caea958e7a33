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

        /// The rule every kind of target shares: what a harness may still be using is kept
        /// (`keptBecause` says why), and a dry run only says what it would remove. True when
        /// `label`'s leftover is to be removed now.
        mutating func mayRemove(_ label: String, keptBecause: String?, dryRun: Bool) -> Bool {
            if let keptBecause {
                kept.append("\(label): \(keptBecause)")
                return false
            }
            if dryRun {
                removed.append("would remove \(label)")
                return false
            }
            return true
        }
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

    /// What every kind of target left: marked folders under the temporary folder, then
    /// compose projects on the engine that `DOCKER_HOST` or the current context names.
    public static func collect(dryRun: Bool = false) async -> Outcome {
        var outcome = Outcome(removed: [], kept: [], problems: [])
        for kind in DrillTargets.kinds {
            await kind.collectLeftovers(dryRun: dryRun, into: &outcome)
        }
        return outcome
    }

    public static var defaultParents: [String] {
        Array(Set([ThrowawayMarker.defaultParentDirectory, "/tmp"]))
    }
}
