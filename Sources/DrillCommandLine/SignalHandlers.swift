import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a call instead of an abrupt exit: the drill cancels itself
/// so teardown and the reports still happen; `refstore serve` stops serving (as a
/// container's PID 1 it would otherwise ignore SIGTERM until the engine kills it).
public final class SignalHandlers {
    private let sources: [any DispatchSourceSignal]

    public init(onSignal: @escaping @Sendable (String) -> Void) {
        sources = [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { onSignal(name) }
            source.resume()
            return source
        }
    }

    public func cancel() {
        sources.forEach { $0.cancel() }
    }
}
