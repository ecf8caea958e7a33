/// A key, a seal or a reports folder that cannot be used, in words that say what to do.
public struct EvidenceError: Error, CustomStringConvertible {
    public var description: String
}
