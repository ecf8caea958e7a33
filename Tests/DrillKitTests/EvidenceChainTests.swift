import Foundation
import Testing
@testable import DrillKit

/// Signed, chained reports: every tampering verify-report is meant to catch is done to a
/// real set of reports, and the untouched set is shown to verify clean.
@Suite struct EvidenceChainTests {
    /// Three monthly drills of one scenario, written and signed the way `run` does.
    struct SignedFolder {
        let directory: String
        let key = SigningKey.generate()
        var records: [String] = []

        init(drills: Int = 3) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)").path
            for month in 0..<drills {
                var record = ReportFixtures.passingDrill()
                record.runId = "2026\(String(format: "%02d", 7 + month))01T021500Z-ab1\(month)"
                record.startedAt = record.startedAt.addingTimeInterval(Double(month) * 31 * 86400)
                let paths = try ReportWriter.write(record, to: directory, formats: [.junit, .markdown, .json], signingKey: key)
                records.append(URL(fileURLWithPath: paths[2]).lastPathComponent)
            }
        }

        func path(_ name: String) -> String { directory + "/" + name }
        func sibling(of record: String, _ suffix: String) -> String { path(String(record.dropLast(5)) + suffix) }
        func verify(trusting: [TrustedKey] = []) throws -> ReportVerification {
            ReportVerifier.verify(try RecordFolder.read(directory), trusting: trusting)
        }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func problems(_ verification: ReportVerification) -> String {
        (verification.records.flatMap(\.problems) + verification.folderProblems).joined(separator: "\n")
    }

    @Test func anUntouchedSetVerifiesAndEachRecordLinksToTheOneBefore() throws {
        let folder = try SignedFolder()
        defer { folder.remove() }
        let verification = try folder.verify(trusting: [TrustedKey(publicKey: folder.key.publicKey)])
        #expect(verification.intact, "\(verification)")
        #expect(verification.records.map(\.sequence) == [1, 2, 3])
        #expect(verification.records.allSatisfy { $0.signerKeyID == folder.key.keyID })

        let stored = try RecordFolder.read(folder.directory).records
        #expect(stored[0].record.chain == ChainLink(sequence: 1))
        #expect(stored[1].record.chain?.previousRecordSha256 == stored[0].sha256)
        #expect(stored[2].record.chain?.previousRunId == stored[1].record.runId)
    }

    @Test func markdownAndJUnitStateTheHashOfTheRecordFile() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        let record = folder.records[0]
        let hash = try FileDigest.sha256(path: folder.path(record)).hex
        let markdown = try String(contentsOfFile: folder.sibling(of: record, ".md"), encoding: .utf8)
        let junit = try String(contentsOfFile: folder.sibling(of: record, ".xml"), encoding: .utf8)
        #expect(markdown.contains("**Record SHA-256:** `\(hash)`"))
        #expect(markdown.contains("key `\(folder.key.keyID)`"))
        #expect(junit.contains(#"<property name="record_sha256" value="\#(hash)"/>"#))
    }

    @Test func anAlteredRecordIsNamedAndBreaksTheNextLink() throws {
        let folder = try SignedFolder()
        defer { folder.remove() }
        let middle = folder.path(folder.records[1])
        let text = try String(contentsOfFile: middle, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"verdict\" : \"pass\"", with: "\"verdict\" : \"fail\"").utf8)
            .write(to: URL(fileURLWithPath: middle))

        let verification = try folder.verify()
        #expect(!verification.intact)
        let report = problems(verification)
        #expect(report.contains("\(folder.records[1]) was changed after it was signed"))
        #expect(report.contains("the record before it, \(folder.records[1])"), "\(report)")
        #expect(verification.records[0].intact)
    }

    @Test func aDeletedRecordIsNamedByTheOneAfterIt() throws {
        let folder = try SignedFolder()
        defer { folder.remove() }
        for suffix in [".json", ".md", ".xml", ".svg", ".seal.json"] {
            try FileManager.default.removeItem(atPath: folder.sibling(of: folder.records[1], suffix))
        }
        let verification = try folder.verify()
        #expect(!verification.intact)
        #expect(problems(verification).contains("the record before it (place 2, run 20260801T021500Z-ab11"))
        #expect(problems(verification).contains("is missing from"))
    }

    @Test func anEditedMarkdownReportIsNamed() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        let markdown = folder.sibling(of: folder.records[0], ".md")
        try Data((try String(contentsOfFile: markdown, encoding: .utf8) + "\nAll good, trust me.\n").utf8).write(to: URL(fileURLWithPath: markdown))
        let verification = try folder.verify()
        #expect(!verification.intact)
        #expect(problems(verification).contains("\(URL(fileURLWithPath: markdown).lastPathComponent) was changed after it was signed"))
    }

    @Test func aMissingSealMeansUnsigned() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        try FileManager.default.removeItem(atPath: folder.sibling(of: folder.records[0], ".seal.json"))
        let verification = try folder.verify()
        #expect(!verification.intact)
        #expect(problems(verification).contains("not signed"))
    }

    @Test func aResealedRecordFailsAgainstTheTrustedKey() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        // Someone who edits the record and re-seals it with their own key.
        let record = folder.path(folder.records[0])
        try Data((try String(contentsOfFile: record, encoding: .utf8)).replacingOccurrences(of: "\"pass\"", with: "\"pass\" ").utf8)
            .write(to: URL(fileURLWithPath: record))
        let forger = SigningKey.generate()
        let names = ["json", "xml", "md", "svg"].map { String(folder.records[0].dropLast(4)) + $0 }
        let seal = try RecordSeal.seal(files: names, in: folder.directory, with: forger)
        try seal.encoded().write(to: URL(fileURLWithPath: folder.sibling(of: folder.records[0], ".seal.json")))

        let trusted = try folder.verify(trusting: [TrustedKey(publicKey: folder.key.publicKey)])
        #expect(!trusted.intact)
        #expect(problems(trusted).contains("signed by key \(forger.keyID), which is not a key you trust"))
        // Unpinned, the forged seal is self-consistent: that is why the output says to pin.
        let unpinned = try folder.verify()
        #expect(unpinned.intact)
        #expect(unpinned.description.contains("pass --public-key"))
    }

    @Test func anEditedSignatureDoesNotVerify() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        let sealPath = folder.sibling(of: folder.records[0], ".seal.json")
        var seal = try JSONDecoder.drill.decode(RecordSeal.self, from: Data(contentsOf: URL(fileURLWithPath: sealPath)))
        seal.files[1].sha256 = String(repeating: "0", count: 64)
        try seal.encoded().write(to: URL(fileURLWithPath: sealPath))
        let report = problems(try folder.verify())
        #expect(report.contains("does not verify"))
    }

    @Test func anInsertedRecordClaimingATakenPlaceIsNamed() throws {
        let folder = try SignedFolder(drills: 2)
        defer { folder.remove() }
        var copy = try JSONDecoder.drill.decode(DrillRecord.self, from: Data(contentsOf: URL(fileURLWithPath: folder.path(folder.records[1]))))
        copy.runId = "20260815T021500Z-ffff"
        try Data(try JSONReport.render(copy).utf8).write(to: URL(fileURLWithPath: folder.path("sovecom-monthly-20260815T021500Z-ffff.json")))
        let verification = try folder.verify()
        #expect(!verification.intact)
        #expect(problems(verification).contains("both claim place 2"))
    }

    @Test func aDamagedRecordIsReportedNotSkipped() throws {
        let folder = try SignedFolder(drills: 1)
        defer { folder.remove() }
        try Data("{\"run_id\": ".utf8).write(to: URL(fileURLWithPath: folder.path(folder.records[0])))
        let verification = try folder.verify()
        #expect(!verification.intact)
        #expect(problems(verification).contains("\(folder.records[0]): not a readable drill record"))
    }

    @Test func anUnsignedRunStillChainsAndSaysItIsUnsigned() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unsigned-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = try ReportWriter.write(ReportFixtures.passingDrill(), to: directory, formats: [.markdown, .json])
        #expect(!paths.contains { $0.hasSuffix(".seal.json") })
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8).contains("**Signed:** NO"))
        #expect(problems(ReportVerifier.verify(try RecordFolder.read(directory))).contains("not signed"))
    }
}

@Suite struct SigningKeyTests {
    private func scratch() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func keygenWritesAPrivateKeyOnlyTheOwnerCanReadAndNeverOverwrites() throws {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = SigningKey.generate()
        let publicPath = try key.write(privateKeyTo: directory + "/drill.pem")
        #expect(publicPath == directory + "/drill.pub.pem")
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/drill.pem")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try SigningKey.load(file: directory + "/drill.pem").keyID == key.keyID)
        #expect(try TrustedKey.load(file: publicPath).keyID == key.keyID)
        #expect(throws: EvidenceError.self) { try SigningKey.generate().write(privateKeyTo: directory + "/drill.pem") }
        #expect(try SigningKey.load(file: directory + "/drill.pem").keyID == key.keyID)
    }

    @Test func aKeyFileOthersCanReadIsRefused() throws {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try SigningKey.generate().write(privateKeyTo: directory + "/open.pem")
        chmod(directory + "/open.pem", 0o644)
        let error = #expect(throws: EvidenceError.self) { try SigningKey.load(file: directory + "/open.pem") }
        #expect(error?.description.contains("chmod 600") == true)
    }

    @Test func theKeyComesFromTheEnvironmentWhenNoFileIsGiven() throws {
        let key = SigningKey.generate()
        let fromText = try SigningKey.resolve(file: nil, environment: [SigningKey.textEnvironmentVariable: key.privatePEM])
        #expect(fromText?.keyID == key.keyID)
        #expect(try SigningKey.resolve(file: nil, environment: [:]) == nil)
        let error = #expect(throws: EvidenceError.self) {
            try SigningKey.resolve(file: nil, environment: [SigningKey.textEnvironmentVariable: "not a key"])
        }
        #expect(error?.description.contains("$RESTORE_DRILL_SIGNING_KEY") == true)
        #expect(error?.description.contains("not a key") == false)
    }
}
