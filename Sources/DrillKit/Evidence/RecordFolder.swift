import Foundation

/// A drill record as it lies on disk: the bytes' hash is what the next record links to.
public struct StoredRecord: Sendable {
    public var fileName: String
    public var sha256: String
    public var record: DrillRecord

    /// Its place in the scenario's chain; records from before chaining sort by start time.
    var sequence: Int { record.chain?.sequence ?? 0 }
}

/// The drill records in a reports folder: what history, controls and verify-report read,
/// and where the next record finds the one it links to.
public struct RecordFolder: Sendable {
    public var directory: String
    public var records: [StoredRecord]
    /// JSON files that look like records (a seal names them, or they carry a run id) but do
    /// not read as one: a damaged record is reported, never silently skipped.
    public var unreadable: [(name: String, reason: String)]

    public static func read(_ directory: String) throws -> RecordFolder {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw EvidenceError(description: "cannot read the reports folder \(directory): \(error.localizedDescription)")
        }
        var records: [StoredRecord] = []
        var unreadable: [(String, String)] = []
        for name in names where name.hasSuffix(".json") && !name.hasSuffix(RecordSeal.fileSuffix) {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                let record = try JSONDecoder.drill.decode(DrillRecord.self, from: data)
                records.append(StoredRecord(fileName: name, sha256: FileDigest.sha256(data: data), record: record))
            } catch {
                let sealed = names.contains(RecordSeal.sealName(forRecord: name))
                if sealed || String(decoding: data, as: UTF8.self).contains("\"run_id\"") {
                    unreadable.append((name, "not a readable drill record (\(RecordFolder.describe(error)))"))
                }
            }
        }
        records.sort { ($0.record.scenarioName, $0.sequence, $0.record.startedAt) < ($1.record.scenarioName, $1.sequence, $1.record.startedAt) }
        return RecordFolder(directory: directory, records: records, unreadable: unreadable)
    }

    /// An empty folder for a directory that does not exist yet (a first drill).
    public static func readIfPresent(_ directory: String) throws -> RecordFolder {
        FileManager.default.fileExists(atPath: directory) ? try read(directory) : RecordFolder(directory: directory, records: [], unreadable: [])
    }

    public var scenarios: [String] { Array(Set(records.map(\.record.scenarioName))).sorted() }

    public func records(of scenario: String) -> [StoredRecord] { records.filter { $0.record.scenarioName == scenario } }

    /// The link a new record of `scenario` carries: to the newest record of it here. A record
    /// of the same run (reports written again) is not its own predecessor.
    public func nextLink(for scenario: String, runId: String) -> ChainLink {
        let earlier = records(of: scenario).filter { $0.record.runId != runId }
        guard let last = earlier.last else { return ChainLink(sequence: 1) }
        let sequence = last.record.chain?.sequence ?? earlier.count
        return ChainLink(sequence: sequence + 1, previousRecordSha256: last.sha256, previousRunId: last.record.runId)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no \(key.stringValue.snakeCased) field"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(context.codingPath.map { $0.stringValue.snakeCased }.joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}

extension String {
    var snakeCased: String {
        reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }
}

