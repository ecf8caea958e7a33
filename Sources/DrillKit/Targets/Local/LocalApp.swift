import Foundation

/// The app a local drill started: one program, or the named processes of
/// `app.start.processes`, each on its own port. They are stopped together.
final class LocalApp: Sendable {
    struct Part: Sendable {
        /// Nil for the one program of `app.start.command`.
        let name: String?
        let process: AppProcess
        let port: UInt16

        var subject: String { name.map { "the process \($0)" } ?? "the app" }
    }

    let parts: [Part]

    init(parts: [Part]) {
        self.parts = parts
    }

    var isSeveral: Bool { parts.count > 1 || parts.first?.name != nil }

    func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for part in parts { group.addTask { await part.process.stop() } }
        }
    }

    /// `api: stopped by the harness; admin: exit code 1`.
    var exits: String {
        parts.map { part in (part.name.map { "\($0): " } ?? "") + (part.process.exit ?? "still running") }.joined(separator: "; ")
    }
}

extension LocalApp: BootingApp {
    /// How the first process that ended, ended.
    func exitDescription() async -> String? {
        parts.lazy.compactMap { $0.process.exit }.first
    }

    func endedPart() async -> String? {
        guard isSeveral else { return nil }
        return parts.first { $0.process.exit != nil }?.subject
    }

    /// The lines of the process that ended, or else every process's, each line named.
    func recentLines() async -> [String] {
        if let ended = parts.first(where: { $0.process.exit != nil }), isSeveral { return ended.process.lastLines }
        return parts.flatMap { part in part.process.lastLines.map { line in part.name.map { "[\($0)] " + line } ?? line } }
    }

    func forbiddenHit() async -> (pattern: String, line: String)? {
        for part in parts {
            if let hit = part.process.forbiddenHit { return (hit.pattern, part.name.map { "[\($0)] " + hit.line } ?? hit.line) }
        }
        return nil
    }
}

/// One process's probes, waited for while any process's end still stops the wait: a process
/// that dies while another one's health is awaited is named at once, with its own last lines.
struct LocalAppPart: BootingApp {
    let app: LocalApp
    let part: LocalApp.Part

    func exitDescription() async -> String? { await app.exitDescription() }
    func endedPart() async -> String? { await app.endedPart() }

    func recentLines() async -> [String] {
        if let ended = app.parts.first(where: { $0.process.exit != nil }) { return ended.process.lastLines }
        return part.process.lastLines
    }

    func forbiddenHit() async -> (pattern: String, line: String)? { await app.forbiddenHit() }
}
