import Foundation

/// What `verify-report` found for one record: nothing broken, or each broken thing in a
/// sentence that names the file.
public struct RecordVerification: Sendable {
    public var fileName: String
    public var scenario: String
    public var sequence: Int?
    public var runId: String
    public var signerKeyID: String?
    public var problems: [String]

    public var intact: Bool { problems.isEmpty }
}

public struct ReportVerification: Sendable {
    public var directory: String
    public var records: [RecordVerification]
    /// Broken things no single record owns: unreadable records, two records claiming one place.
    public var folderProblems: [String]
    /// Whether signers were checked against keys the caller trusts, or only against the key
    /// each seal carries (which proves integrity, not who signed).
    public var pinned: Bool

    public var intact: Bool { folderProblems.isEmpty && records.allSatisfy(\.intact) && !records.isEmpty }
}

/// Checks each record's seal (signature and the hash of every file it covers) and each
/// scenario's chain (every record links to the one before it, which must still be there,
/// unchanged).
public enum ReportVerifier {
    public static func verify(_ folder: RecordFolder, onlyFile: String? = nil, trusting trusted: [TrustedKey] = []) -> ReportVerification {
        var folderProblems = folder.unreadable
            .filter { onlyFile == nil || $0.name == onlyFile }
            .map { "\($0.name): \($0.reason)" }
        var results: [RecordVerification] = []
        for scenario in folder.scenarios {
            let chain = folder.records(of: scenario)
            if onlyFile == nil { folderProblems += duplicateClaims(in: chain) }
            for stored in chain where onlyFile == nil || stored.fileName == onlyFile {
                var result = RecordVerification(fileName: stored.fileName, scenario: scenario, sequence: stored.record.chain?.sequence,
                                                runId: stored.record.runId, signerKeyID: nil, problems: [])
                checkSeal(of: stored, in: folder.directory, trusting: trusted, into: &result)
                result.problems += linkProblems(of: stored, among: chain, directory: folder.directory)
                results.append(result)
            }
        }
        return ReportVerification(directory: folder.directory, records: results, folderProblems: folderProblems, pinned: !trusted.isEmpty)
    }

    static func checkSeal(of stored: StoredRecord, in directory: String, trusting trusted: [TrustedKey], into result: inout RecordVerification) {
        let sealName = RecordSeal.sealName(forRecord: stored.fileName)
        guard let data = FileManager.default.contents(atPath: directory + "/" + sealName) else {
            result.problems.append("not signed: there is no \(sealName) beside it (the drill ran without a signing key, or the seal was deleted)")
            return
        }
        guard let seal = try? JSONDecoder.drill.decode(RecordSeal.self, from: data), seal.format == RecordSeal.format else {
            result.problems.append("\(sealName) is not a readable \(RecordSeal.format) seal")
            return
        }
        result.signerKeyID = seal.keyId
        guard seal.files.first?.name == stored.fileName else {
            result.problems.append("\(sealName) seals \(seal.files.first?.name ?? "nothing"), not this record")
            return
        }
        for file in seal.files {
            guard !file.name.contains("/"), file.name != "..", file.name != "." else {
                result.problems.append("\(sealName) names \(file.name), which is not a file beside it")
                continue
            }
            guard let actual = try? FileDigest.sha256(path: directory + "/" + file.name).hex else {
                result.problems.append("\(file.name), which the seal covers, is missing")
                continue
            }
            if actual != file.sha256 {
                result.problems.append("\(file.name) was changed after it was signed (sha256 signed \(file.sha256.prefix(16))…, now \(actual.prefix(16))…)")
            }
        }
        let (signer, valid) = seal.signatureHolds()
        guard let signer, valid else {
            result.problems.append("the signature in \(sealName) does not verify: the seal was edited after signing")
            return
        }
        let signerID = SigningKey.keyID(of: signer)
        result.signerKeyID = signerID
        if signerID != seal.keyId {
            result.problems.append("\(sealName) claims key \(seal.keyId) but was signed by \(signerID)")
        }
        if !trusted.isEmpty, !trusted.contains(where: { $0.keyID == signerID }) {
            let names = trusted.map(\.keyID).joined(separator: ", ")
            result.problems.append("signed by key \(signerID), which is not a key you trust (\(names))")
        }
    }

    static func linkProblems(of stored: StoredRecord, among chain: [StoredRecord], directory: String) -> [String] {
        guard let link = stored.record.chain else {
            return ["has no chain link: it cannot show that no record before it was removed"]
        }
        guard let previousHash = link.previousRecordSha256 else {
            if link.sequence == 1 { return [] }
            return ["claims place \(link.sequence) in the chain but links to no record before it"]
        }
        if let previous = chain.first(where: { $0.sha256 == previousHash }) {
            let expected = link.sequence - 1
            if let sequence = previous.record.chain?.sequence, sequence != expected {
                return ["links to \(previous.fileName), which is place \(sequence), not \(expected)"]
            }
            return []
        }
        let previousRun = link.previousRunId ?? "unknown run"
        if let altered = chain.first(where: { $0.record.runId == link.previousRunId }) {
            return ["the record before it, \(altered.fileName) (run \(previousRun)), was changed after this one was written: this record links to sha256 \(previousHash.prefix(16))…, the file now hashes to \(altered.sha256.prefix(16))…"]
        }
        return ["the record before it (place \(link.sequence - 1), run \(previousRun), sha256 \(previousHash.prefix(16))…) is missing from \(directory): deleted or moved"]
    }

    static func duplicateClaims(in chain: [StoredRecord]) -> [String] {
        Dictionary(grouping: chain.filter { $0.record.chain != nil }, by: \.sequence)
            .filter { $0.value.count > 1 }
            .sorted { $0.key < $1.key }
            .map { sequence, claimants in
                let names = claimants.map(\.fileName).joined(separator: " and ")
                return "\(names) both claim place \(sequence) of \(claimants[0].record.scenarioName): one was inserted, or two drills wrote to this folder at once"
            }
    }
}

extension ReportVerification: CustomStringConvertible {
    /// One line per record, `ok` or `BROKEN` with each problem below it, then the verdict.
    public var description: String {
        var lines: [String] = []
        for record in records {
            let place = record.sequence.map { "#\($0)" } ?? "#?"
            let signer = record.signerKeyID.map { "signed by \($0)" } ?? "unsigned"
            lines.append("\(record.intact ? "ok    " : "BROKEN") \(record.fileName)  \(record.scenario) \(place), \(signer)")
            lines += record.problems.map { "         - \($0)" }
        }
        lines += folderProblems.map { "BROKEN \($0)" }
        if records.isEmpty && folderProblems.isEmpty {
            lines.append("BROKEN no drill records in \(directory)")
        }
        let broken = records.filter { !$0.intact }.count + folderProblems.count
        if intact {
            lines.append("verify-report: \(records.count) record(s) intact: every signature holds and every chain is unbroken")
            if !pinned {
                lines.append("note: checked against the key in each seal; pass --public-key with your .pub.pem to prove the signer is yours")
            }
        } else {
            lines.append("verify-report: \(max(broken, 1)) problem(s) in \(directory)")
        }
        return lines.joined(separator: "\n")
    }
}
