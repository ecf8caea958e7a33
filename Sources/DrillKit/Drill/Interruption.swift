import Foundation

/// Which signal (or deadline) stopped the drill, shared between the signal handler and the
/// runner so the record says why it ended.
public final class Interruption: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Records the first reason only: a second Ctrl-C does not rewrite history.
    public func record(_ text: String) {
        reason.withLock { if $0 == nil { $0 = text } }
    }

    public var current: String? { reason.withLock { $0 } }
}
