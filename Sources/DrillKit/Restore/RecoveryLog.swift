import Foundation

/// How recovery went, read from the server and its log.
public struct RecoveryOutcome: Sendable {
    public var segmentsReplayed: Int
    public var lastRestoredSegment: String?
    public var replaySeconds: Double
    /// `pg_last_xact_replay_timestamp()`: the last transaction recovery applied.
    public var lastTransaction: Date?
    /// PostgreSQL's own line saying where it stopped (`recovery stopping before commit …`).
    public var stopLine: String?
}

/// Why recovery did not end with a promoted server at the target.
public enum RecoveryFailure: Error, Sendable {
    case targetUnreached(lastSegment: String?, detail: String)
    case targetBeforeConsistency(detail: String)
    case segmentMissing(segment: String, laterSegments: Int, detail: String)
    case serverStopped(detail: String)
}

/// Reads a recovering server's log (a file on a local target, `docker compose logs` on a
/// compose one): how far replay got, and why it stopped when it did not promote.
public enum RecoveryLog {
    /// Segments restored from the archive (`restored log file "…" from archive`) and the
    /// `recovery stopping before commit …` line.
    public static func outcome(in text: String) -> RecoveryOutcome {
        var restored: [String] = []
        var stop: String?
        for line in text.split(separator: "\n") {
            if let range = line.range(of: "restored log file \""), let end = line[range.upperBound...].firstIndex(of: "\"") {
                let name = String(line[range.upperBound..<end])
                if WALArchive.isSegmentName(name) { restored.append(name) }
            } else if line.contains("recovery stopping") {
                stop = line.components(separatedBy: "LOG:").last?.trimmingCharacters(in: .whitespaces) ?? String(line)
            }
        }
        return RecoveryOutcome(segmentsReplayed: Set(restored).count, lastRestoredSegment: restored.max(), replaySeconds: 0,
                               lastTransaction: nil, stopLine: stop)
    }

    /// Why the server stopped during recovery.
    public static func failure(in text: String, setup: RecoverySetup) -> RecoveryFailure {
        let outcome = outcome(in: text)
        let fatal = text.split(separator: "\n").filter {
            $0.contains("FATAL") || $0.contains("PANIC") || $0.contains("syntax error") || $0.contains("invalid value for parameter")
                || $0.contains("unrecognized configuration parameter")
        }.suffix(4).joined(separator: "\n")
        if text.contains("requested recovery stop point is before consistent recovery point") {
            return .targetBeforeConsistency(detail: fatal)
        }
        // A hole recovery did not get past explains any stop: the end of the archive, or a
        // checkpoint or consistency point that lay beyond it.
        if let gap = setup.archive.firstGap(from: setup.base.startWALFile),
           outcome.lastRestoredSegment.map({ gap > $0 }) ?? true {
            return .segmentMissing(segment: gap, laterSegments: setup.archive.segments.filter { $0 > gap }.count, detail: fatal)
        }
        if text.contains("recovery ended before configured recovery target was reached") {
            return .targetUnreached(lastSegment: outcome.lastRestoredSegment ?? setup.archive.segments.last, detail: fatal)
        }
        return .serverStopped(detail: fatal.isEmpty ? String(text.suffix(600)) : fatal)
    }

    /// The outcome once the server has promoted, or why that is no success: `latest` promoted
    /// at a hole, or a time target the server never said it stopped at (it promoted at the end
    /// of the archive instead, as PostgreSQL before 13 does without an error).
    public static func promoted(log: String, lastReplayEpoch: String?, replaySeconds: Double, setup: RecoverySetup) throws -> RecoveryOutcome {
        var outcome = outcome(in: log)
        outcome.replaySeconds = replaySeconds
        outcome.lastTransaction = lastReplayEpoch
            .flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            .map { Date(timeIntervalSince1970: $0) }
        if let hole = holeAfterPromotion(outcome, setup: setup) { throw hole }
        if case .time = setup.target, outcome.stopLine == nil {
            throw RecoveryFailure.targetUnreached(lastSegment: outcome.lastRestoredSegment ?? setup.archive.segments.last,
                                                  detail: "the server promoted without logging that it stopped at the target")
        }
        return outcome
    }

    /// A refusal recovery will not outgrow: the backup has no such role or database. Anything
    /// else (starting up, not yet accepting connections, no socket yet) is waited out.
    static func isPermanentRefusal(_ message: String) -> Bool {
        message.contains("does not exist")
    }

    /// With `target: latest`, PostgreSQL promotes at the first segment it cannot restore, hole
    /// or end: a hole with segments after it is data silently left behind.
    public static func holeAfterPromotion(_ outcome: RecoveryOutcome, setup: RecoverySetup) -> RecoveryFailure? {
        guard case .latest = setup.target, let last = outcome.lastRestoredSegment,
              let gap = setup.archive.firstGap(from: setup.base.startWALFile), gap > last else { return nil }
        return .segmentMissing(segment: gap, laterSegments: setup.archive.segments.filter { $0 > gap }.count,
                               detail: "recovery promoted after \(last); everything after the hole was never replayed")
    }
}
