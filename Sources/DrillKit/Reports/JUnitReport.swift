import Foundation

/// The drill as JUnit XML, the shape Jenkins, GitLab, GitHub test-report actions and
/// `junitparser` all read: one suite, one test case per step, check, objective and the
/// teardown. Failures, errors and skips are counted from the rendered cases, so the
/// suite's totals always agree with what it contains.
public enum JUnitReport {
    public static func render(_ record: DrillRecord, reference: RecordReference? = nil) -> String {
        let suiteName = "restore-drill.\(record.scenarioName)"
        let cases = testCases(for: record, suiteName: suiteName)
        let totals = totalsAttributes(cases: cases, seconds: suiteSeconds(record))
        // The common JUnit schema (Jenkins' junit-10.xsd) has no `skipped` on <testsuites>:
        // the skips are counted on the suite only.
        let overall = totalsAttributes(cases: cases, seconds: suiteSeconds(record), countingSkips: false)

        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="restore-drill"\#(overall)>"# + "\n"
        xml += "  <testsuite" + attributes([("name", suiteName)]) + totals
        xml += attributes([("timestamp", ISO8601.string(from: record.startedAt, fractional: false))])
        if let host = record.environment?.host { xml += attributes([("hostname", host)]) }
        xml += ">\n"
        xml += "    <properties>\n"
        for (name, value) in properties(record) + recordProperties(reference) {
            xml += "      <property" + attributes([("name", name), ("value", value)]) + "/>\n"
        }
        xml += "    </properties>\n"
        for testCase in cases { xml += element(for: testCase) }
        xml += "    <system-out>" + XMLEscaping.text(suiteOutput(record)) + "</system-out>\n"
        xml += "  </testsuite>\n"
        xml += "</testsuites>\n"
        return xml
    }

    /// Durations in seconds with millisecond precision, as JUnit consumers expect.
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "0.000" }
        return String(format: "%.3f", max(0, value))
    }

    static func testCases(for record: DrillRecord, suiteName: String) -> [JUnitTestCase] {
        let teardownStep = record.steps.first { $0.id == .teardown }
        var cases = record.steps
            .filter { $0.id != .teardown }
            .map { JUnitTestCase(step: $0, suiteName: suiteName) }
        cases += record.checks.map { JUnitTestCase(check: $0, suiteName: suiteName, scenarioFile: record.scenarioFile) }
        cases.append(JUnitTestCase(objective: record.rto, named: "RTO", suiteName: suiteName))
        cases.append(JUnitTestCase(objective: record.rpo, named: "RPO", suiteName: suiteName))
        cases.append(JUnitTestCase(teardown: record.teardown, step: teardownStep, suiteName: suiteName))
        return cases
    }

    /// The suite lasts as long as the drill did: wall clock when it finished, otherwise
    /// the steps' own durations (checks run inside a step, so they are not added again).
    static func suiteSeconds(_ record: DrillRecord) -> Double {
        if let finishedAt = record.finishedAt {
            return finishedAt.timeIntervalSince(record.startedAt)
        }
        return record.steps.reduce(0) { $0 + $1.durationSeconds }
            + (record.steps.contains { $0.id == .teardown } ? 0 : record.teardown?.durationSeconds ?? 0)
    }

    private static func totalsAttributes(cases: [JUnitTestCase], seconds: Double, countingSkips: Bool = true) -> String {
        var failures = 0, errors = 0, skipped = 0
        for testCase in cases {
            switch testCase.outcome {
            case .passed: break
            case .failed: failures += 1
            case .errored: errors += 1
            case .skipped: skipped += 1
            }
        }
        var totals = [("tests", String(cases.count)), ("failures", String(failures)), ("errors", String(errors))]
        if countingSkips { totals.append(("skipped", String(skipped))) }
        return attributes(totals + [("time", Self.seconds(seconds))])
    }

    private static func element(for testCase: JUnitTestCase) -> String {
        let open = "    <testcase" + attributes([
            ("name", testCase.name), ("classname", testCase.className), ("time", seconds(testCase.seconds)),
        ])
        var children = ""
        switch testCase.outcome {
        case .passed:
            break
        case let .failed(message, type, details):
            children += "      <failure" + attributes([("message", message), ("type", type)]) + ">"
                + XMLEscaping.text(details) + "</failure>\n"
        case let .errored(message, type, details):
            children += "      <error" + attributes([("message", message), ("type", type)]) + ">"
                + XMLEscaping.text(details) + "</error>\n"
        case let .skipped(message):
            children += "      <skipped" + attributes([("message", message)]) + "/>\n"
        }
        if !testCase.output.isEmpty {
            children += "      <system-out>" + XMLEscaping.text(testCase.output.joined(separator: "\n")) + "</system-out>\n"
        }
        return children.isEmpty ? open + "/>\n" : open + ">\n" + children + "    </testcase>\n"
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.attribute($0.1))\"" }.joined()
    }

    /// Suite properties, in a fixed order. Values the drill never learnt are left out rather
    /// than written empty, except the `*_met` flags, which are always there (`unknown` when
    /// the objective was not judged).
    /// Ties the JUnit file to the signed JSON record.
    static func recordProperties(_ reference: RecordReference?) -> [(String, String)] {
        guard let reference else { return [("record_signed", "no record written")] }
        return [
            ("record_file", reference.fileName),
            ("record_sha256", reference.sha256),
            ("record_signed", reference.signerKeyID.map { "ed25519 key \($0)" } ?? "no"),
        ]
    }

    static func properties(_ record: DrillRecord) -> [(String, String)] {
        let backup = record.backup
        let environment = record.environment
        let candidates: [(String, String?)] = [
            ("run_id", record.runId),
            ("scenario", record.scenarioName),
            ("scenario_file", record.scenarioFile),
            ("verdict", record.verdict.rawValue),
            ("exit_code", String(record.exitCode)),
            ("summary", record.summary.isEmpty ? nil : record.summary),
            ("started_at", ISO8601.string(from: record.startedAt)),
            ("finished_at", record.finishedAt.map { ISO8601.string(from: $0) }),
            ("tier", record.tier),
            ("rto_seconds", record.rto?.measuredSeconds.map(seconds)),
            ("rto_target_seconds", record.rto.map { seconds($0.targetSeconds) }),
            ("rto_met", record.rto?.metFlag ?? "unknown"),
            ("rpo_seconds", record.rpo?.measuredSeconds.map(seconds)),
            ("rpo_target_seconds", record.rpo.map { seconds($0.targetSeconds) }),
            ("rpo_met", record.rpo?.metFlag ?? "unknown"),
            ("backup_path", backup?.path),
            ("backup_format", backup?.format),
            ("backup_size_bytes", backup?.sizeBytes.map { String($0) }),
            ("backup_sha256", backup?.sha256),
            ("backup_sha256_status", backup?.sha256Status),
            ("backup_created_at", backup?.createdAt.map { ISO8601.string(from: $0) }),
            ("backup_created_at_source", backup?.createdAtSource),
            ("backup_source_server_version", backup?.sourceServerVersion),
            ("backup_pg_dump_version", backup?.pgDumpVersion),
            ("manifest_taken_at", backup?.manifestTakenAt.map { ISO8601.string(from: $0) }),
            ("target_kind", environment?.targetKind),
            ("target_server_version", environment?.serverVersion),
            ("restore_tool_version", environment?.restoreToolVersion),
            ("harness_version", environment?.harnessVersion),
        ]
        return candidates.compactMap { name, value in value.map { (name, $0) } }
    }

    /// The headline facts again as plain text: some consumers drop `<properties>`.
    static func suiteOutput(_ record: DrillRecord) -> String {
        var lines = [
            "restore-drill \(record.scenarioName) run \(record.runId): \(record.verdict.label) (exit \(record.exitCode))",
            DrillHeadline.outcome(of: record),
        ]
        if !record.summary.isEmpty { lines.append(record.summary) }
        lines.append(JUnitTestCase.objectiveLine(record.rto, named: "RTO"))
        lines.append(JUnitTestCase.objectiveLine(record.rpo, named: "RPO"))
        if let backup = record.backup {
            var backupLine = "backup: \(backup.path)"
            if let sha256 = backup.sha256 { backupLine += ", sha256 \(sha256)" }
            if let status = backup.sha256Status { backupLine += " (\(status))" }
            if let createdAt = backup.createdAt {
                backupLine += ", created \(ISO8601.string(from: createdAt))"
                if let source = backup.createdAtSource { backupLine += " (\(source))" }
            }
            lines.append(backupLine)
        }
        return lines.joined(separator: "\n")
    }
}
