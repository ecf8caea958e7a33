import Foundation

/// The WAL archive folder as `archive_command` filled it: one file per 16 MiB segment, named
/// by timeline, log and segment (`000000010000000000000003`), plus `.history` and `.backup`
/// files. Only read, never written.
public struct WALArchive: Sendable {
    public var path: String
    /// Segment names in order.
    public var segments: [String]

    public init(path: String) throws {
        self.path = path
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        segments = names.filter(Self.isSegmentName).sorted()
    }

    static func isSegmentName(_ name: String) -> Bool {
        name.count == 24 && name.allSatisfy(\.isHexDigit)
    }

    /// The segment after `name` on the same timeline (default 16 MiB segments: 256 per log).
    static func next(after name: String) -> String? {
        guard isSegmentName(name), let log = UInt32(name.dropFirst(8).prefix(8), radix: 16),
              let segment = UInt32(name.suffix(8), radix: 16) else { return nil }
        let (nextLog, nextSegment) = segment >= 0xFF ? (log + 1, UInt32(0)) : (log, segment + 1)
        return String(name.prefix(8)) + String(format: "%08X%08X", nextLog, nextSegment)
    }

    /// The first segment missing between `first` and the newest archived one: a hole recovery
    /// cannot cross, with later segments stranded beyond it.
    public func firstGap(from first: String) -> String? {
        guard let last = segments.last, first <= last else { return nil }
        let present = Set(segments)
        var name = first
        while name < last {
            if !present.contains(name) { return name }
            guard let following = Self.next(after: name) else { return nil }
            name = following
        }
        return nil
    }

    /// Segments from `first` on: what recovery can replay at most.
    public func count(from first: String) -> Int { segments.filter { $0 >= first }.count }
}
