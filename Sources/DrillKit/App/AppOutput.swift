import Foundation

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
