import Foundation

/// A value guarded by a lock, for the few pieces of state shared across tasks
/// (progress counters, secret lists). Synchronization.Mutex needs newer deployment targets.
public final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    public init(_ value: Value) { self.value = value }

    @discardableResult
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
