import Foundation

/// The label a local throwaway carries on disk. `restore-drill gc` removes only folders that
/// hold this marker, and only when the harness that made them is gone.
public struct ThrowawayMarker: Sendable, Codable, Equatable {
    public static let fileName = "restore-drill-throwaway.json"
    public static let folderPrefix = "restore-drill-"

    /// Where a target's private folder goes: `$TMPDIR`, or /tmp.
    public static var defaultParentDirectory: String {
        let tmp = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        // Unix socket paths are limited to 107 bytes; a long TMPDIR would not fit one.
        return tmp.utf8.count > 40 ? "/tmp" : (tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp)
    }

    public var tool: String = "restore-drill"
    public var runId: String
    public var scenario: String
    public var harnessPid: Int32
    public var createdAt: Date

    public init(runId: String, scenario: String, harnessPid: Int32 = getpid(), createdAt: Date = Date()) {
        self.runId = runId
        self.scenario = scenario
        self.harnessPid = harnessPid
        self.createdAt = createdAt
    }

    public func write(into directory: String) throws {
        let data = try JSONEncoder.drill.encode(self)
        try data.write(to: URL(fileURLWithPath: directory + "/" + Self.fileName), options: .atomic)
    }

    public static func read(from directory: String) -> ThrowawayMarker? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName),
              let marker = try? JSONDecoder.drill.decode(ThrowawayMarker.self, from: data),
              marker.tool == "restore-drill" else { return nil }
        return marker
    }
}

/// Whether a process id names a live process (EPERM still means it exists). A zombie has
/// exited: a daemonized postmaster is reaped by whichever init adopted it, sometimes late.
public func processIsAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    guard kill(pid, 0) == 0 || errno == EPERM else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards) else { return true }
    return stat[afterName.upperBound...].first != "Z"
}
