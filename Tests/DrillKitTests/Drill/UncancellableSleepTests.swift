import Foundation
@testable import DrillKit
import Testing

/// Teardown's pause: cancellation does not cut it short.
@Suite struct UncancellableSleepTests {
    @Test func aCancelledTaskStillWaitsTheWholePause() async {
        let waited = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            let clock = ContinuousClock.now
            await uncancellableSleep(milliseconds: 50)
            return (Task.isCancelled, ContinuousClock.now - clock)
        }
        let (cancelled, elapsed) = await waited.value
        #expect(cancelled)
        #expect(elapsed >= .milliseconds(50))
    }
}
