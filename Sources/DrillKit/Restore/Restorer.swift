import Foundation

public struct RestoreOutcome: Sendable {
    public var verdict: Verdict
    public var message: String
    public var findings: [Finding]
    public var evidence: [String]
}

/// Restores a dump into the throwaway database with pg_restore (or psql for plain dumps), on
/// this host or in the database container, and judges the result: tool errors, truncation, exit-0-with-errors, empty restore.
public struct Restorer: Sendable {
    public var inspection: ArchiveInspection
    public var jobs: Int
    public var database: String
    public var tools: any RestoreTools
    public var secrets: SecretStore

    public init(inspection: ArchiveInspection, jobs: Int, database: String, tools: any RestoreTools, secrets: SecretStore) {
        self.inspection = inspection
        self.jobs = jobs
        self.database = database
        self.tools = tools
        self.secrets = secrets
    }

    /// A parallel worker that dies on a cut-off archive does not always get its own error out
    /// before the leader reports it gone. Reading the archive again in one process, into
    /// nothing, says whether it ends early: only on this failure path, at the cost of one read.
    func truncationSeenInOneProcess() async throws -> String? {
        let output = try await CommandRunner.run(tools.command("pg_restore", ["--file", "/dev/null", tools.dumpPath]), captureLimit: 1 << 20)
        let errors = RestoreOutputClassifier.errorMessages(in: output.standardError).joined(separator: "\n")
        return RestoreOutputClassifier.isTruncation(errors) ? errors : nil
    }

    /// Parallel restore works only from custom and directory archives.
    public var effectiveJobs: Int {
        (inspection.format == .custom || inspection.format == .directory) ? max(1, jobs) : 1
    }

    public func run(connection: PostgresConnection, progress: (@Sendable (_ done: Int, _ total: Int?) -> Void)?) async throws -> RestoreOutcome {
        let command: Command
        if inspection.format == .plain {
            command = tools.command("psql", ["--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=0", "--dbname", database,
                                             "--file", tools.dumpPath])
        } else {
            command = tools.command("pg_restore", ["--verbose", "--no-owner", "--no-privileges", "--dbname", database,
                                                   "--jobs", String(effectiveJobs), tools.dumpPath])
        }
        let total = inspection.tocEntries
        let done = Mutex(0)
        let output = try await CommandRunner.run(command, captureLimit: 4 << 20, onStandardErrorLine: { line in
            guard RestoreOutputClassifier.isItemProgress(line) else { return }
            let count = done.withLock { value -> Int in
                value = min(value + 1, total ?? Int.max)
                return value
            }
            progress?(count, total)
        })
        try Task.checkCancellation()
        var evidence = ["restore command: \(command.displayLine)", "result: \(output.statusDescription)"]
        if let total { evidence.append("table of contents: \(done.withLock { $0 }) of \(total) items reported done") }
        if effectiveJobs > 1 { evidence.append("parallel jobs: \(effectiveJobs)") }

        let stderr = secrets.redact(output.standardError)
        let errors = RestoreOutputClassifier.errorMessages(in: stderr)
        let quoted = errors.prefix(10).joined(separator: "\n") + (errors.count > 10 ? "\n… and \(errors.count - 10) more" : "")
        if RestoreOutputClassifier.isTruncation(errors.joined(separator: "\n")) {
            return RestoreOutcome(verdict: .fail, message: "the dump is truncated", findings: [RestoreFindings.archiveTruncated(quoted)], evidence: evidence)
        }
        if !output.succeeded, effectiveJobs > 1, errors.contains(where: { $0.contains("a worker process died unexpectedly") }),
           let cut = try await truncationSeenInOneProcess() {
            evidence.append("a parallel worker died without its own error; the archive read again in one process (pg_restore --file /dev/null) says: \(cut)")
            return RestoreOutcome(verdict: .fail, message: "the dump is truncated",
                                  findings: [RestoreFindings.archiveTruncated(quoted + "\n" + secrets.redact(cut))], evidence: evidence)
        }
        if !output.succeeded {
            let detail = errors.isEmpty ? output.errorTail() : quoted
            let count = max(errors.count, Self.ignoredErrorCount(stderr) ?? 0, 1)
            return RestoreOutcome(verdict: .fail, message: Self.headline(errors).map { "\(output.statusDescription): \(count) errors; \($0)" }
                                      ?? "\(output.statusDescription): \(errors.first ?? output.errorTail(lines: 1))",
                                  findings: [RestoreFindings.restoreErrors(count: count, detail: detail)], evidence: evidence)
        }
        if !errors.isEmpty {
            return RestoreOutcome(verdict: .fail, message: "exit code 0, but \(errors.count) error(s) on stderr: \(Self.headline(errors) ?? errors[0])",
                                  findings: [RestoreFindings.errorsDespiteSuccess(count: errors.count, detail: quoted)], evidence: evidence)
        }
        let tables = try await connection.query("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            """).scalar.flatMap { Int($0) } ?? 0
        evidence.append("user tables after restore: \(tables)")
        if tables == 0 {
            return RestoreOutcome(verdict: .fail, message: "the restore produced no user tables", findings: [RestoreFindings.emptyRestore()], evidence: evidence)
        }
        let summary = total.map { "\(done.withLock { $0 })/\($0) items" } ?? "plain SQL script"
        return RestoreOutcome(verdict: .pass, message: "\(summary), \(tables) tables" + (effectiveJobs > 1 ? ", \(effectiveJobs) jobs" : ""),
                              findings: [], evidence: evidence)
    }

    /// What a person reads first of many errors: their root causes, when some are among them;
    /// nil when the first error speaks for itself.
    static func headline(_ errors: [String]) -> String? {
        let causes = RestoreOutputClassifier.rootCauses(errors)
        guard errors.count > 1, !causes.isEmpty else { return nil }
        return "root cause\(causes.count == 1 ? "" : "s"): " + causes.joined(separator: "; ")
    }

    /// `pg_restore: warning: errors ignored on restore: 3`
    static func ignoredErrorCount(_ stderr: String) -> Int? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("errors ignored on restore:") }) else { return nil }
        return Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    }
}
