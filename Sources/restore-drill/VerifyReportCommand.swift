import ArgumentParser
import DrillKit
import Foundation

struct VerifyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-report",
        abstract: "Check that drill reports are signed, unchanged and that none is missing.",
        discussion: """
            For each drill record (.json) it checks the seal beside it (the Ed25519 signature, \
            and the SHA-256 of the record, its Markdown, JUnit and timeline), and that the \
            record's link to the previous record of the same scenario still holds: a deleted, \
            altered or inserted record breaks it. Given a FILE, it checks that record and its \
            link to the one before it in the same folder. Each broken thing is named on its own \
            line. Exit code 0 when everything holds, 1 when something is broken, 2 when the \
            reports cannot be read.
            """
    )

    @Argument(help: "A reports folder, or one record (.json) in it.")
    var path: String

    @OptionGroup var trustedKeys: TrustedKeyOptions

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            FileHandle.standardError.write(Data("verify-report: \(path) does not exist\n".utf8))
            throw ExitCode(2)
        }
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let onlyFile = isDirectory.boolValue ? nil : (path as NSString).lastPathComponent
        let verification: ReportVerification
        do {
            let trusted = try trustedKeys.load()
            verification = ReportVerifier.verify(try RecordFolder.read(directory.isEmpty ? "." : directory),
                                                 onlyFile: onlyFile, trusting: trusted)
        } catch let error as EvidenceError {
            FileHandle.standardError.write(Data("verify-report: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        if let onlyFile, verification.records.isEmpty, verification.folderProblems.isEmpty {
            FileHandle.standardError.write(Data("verify-report: \(onlyFile) is not a drill record\n".utf8))
            throw ExitCode(2)
        }
        print(verification)
        if !verification.intact { throw ExitCode(1) }
    }
}
