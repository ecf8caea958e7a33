import Crypto
import DrillKit
import Foundation
import Testing

/// restore-drill's reports as their readers see them: the JUnit through the common JUnit
/// schema and junitparser, the Markdown through a CommonMark renderer, the SVG charts drawn
/// to PNG, the Prometheus textfile through the Prometheus client's parser, and the seal
/// through openssl. Each reader is also shown to reject a broken file, so none of these
/// checks can pass by accident.
@Suite(.enabled(if: ReportConsumers.shouldRun, "the report consumers are missing: run scripts/install-test-tools.sh or set RESTORE_DRILL_TEST_TOOLS"))
struct ReportConsumerTests {
    /// Three monthly drills of one scenario, signed; the last one failed in every way a
    /// reader must show (a failed check, an errored one, a skipped one, an unmeasured RTO),
    /// with text that tries to break out of Markdown tables and XML.
    struct Reports {
        let directory: String
        let key = SigningKey.generate()
        var files: [[String]] = []
        var records: [DrillRecord] = []

        init() throws {
            try ReportConsumers.requireInstalled()
            directory = try ScratchFolder().path
            let first = ISO8601.date(from: "2026-08-01T02:15:00Z")!
            for month in 0..<3 {
                let record = Reports.drill(started: first.addingTimeInterval(Double(month) * 31 * 86400), month: month, failing: month == 2)
                files.append(try ReportWriter.write(record, to: directory, formats: [.junit, .markdown, .json], signingKey: key))
                records.append(record)
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
        var latest: (junit: String, markdown: String, json: String, timeline: String, seal: String) {
            let paths = files[2]
            return (paths[0], paths[1], paths[2], paths[3], paths[4])
        }

        static func drill(started: Date, month: Int, failing: Bool) -> DrillRecord {
            var record = DrillRecord(runId: "202608\(month)1T021500Z-c0\(month)", scenarioName: "sovecom-monthly", scenarioFile: "Scenarios/sovecom-monthly.yml",
                                     scenarioDescription: "Monthly drill | with <pipes> & `ticks`", startedAt: started,
                                     verdict: failing ? .error : .pass, exitCode: failing ? 2 : 0,
                                     summary: failing ? "a check could not run: <script>alert(1)</script> | **not bold**" : "all checks passed")
            var offset = 0.0
            for (id, seconds) in [("prepare", 0.4), ("target", 1.5 + Double(month) * 0.2), ("restore", 2.0 + Double(month)), ("app", 0.8)] {
                record.steps.append(StepRecord(id: StepID(rawValue: id), title: id, verdict: .pass, startedAt: started.addingTimeInterval(offset), durationSeconds: seconds))
                offset += seconds
            }
            record.checks = [
                CheckRecord(id: "checks[0].row_counts", kind: "row_counts", name: "row counts", verdict: .pass, durationSeconds: 0.2, message: "5 tables match"),
                CheckRecord(id: "checks[1].money", kind: "money", name: "money | cents", verdict: failing ? .fail : .pass, durationSeconds: 0.3,
                            message: failing ? "EUR total 1999 ≠ 2000 <b>" : "ok"),
                CheckRecord(id: "checks[2].totp_login", kind: "totp_login", name: "TOTP login", verdict: failing ? .error : .pass, durationSeconds: 0.1,
                            message: failing ? "the app was not reachable" : "ok"),
                CheckRecord(id: "checks[3].http", kind: "http", name: "storefront", verdict: failing ? .skipped : .pass, durationSeconds: 0,
                            message: failing ? "the app step did not pass" : "ok"),
            ]
            record.rto = ObjectiveRecord(name: "RTO", targetSeconds: 3600, measuredSeconds: failing ? nil : offset + 0.6,
                                         verdict: failing ? .error : .pass, basis: "target creation to the last check")
            record.rpo = ObjectiveRecord(name: "RPO", targetSeconds: 86400, measuredSeconds: 3 * 3600 + Double(month) * 600, verdict: .pass, basis: "dump age")
            record.teardown = TeardownRecord(verdict: .pass, durationSeconds: 0.5, actions: ["down -v"], trigger: "completed")
            record.finishedAt = started.addingTimeInterval(offset + 1.5)
            record.cadenceSeconds = 32 * 86400
            record.controls = ["ISO 27001 A.8.13", "SOC 2 A1.3"]
            return record
        }
    }

    // MARK: - JUnit

    @Test func theJUnitMatchesTheCommonJUnitSchemaAndABrokenOneDoesNot() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let xmllint = try #require(ReportConsumers.system("xmllint"))
        for paths in reports.files {
            let result = try ReportConsumers.run(xmllint, ["--noout", "--schema", ReportConsumers.junitSchema, paths[0]])
            #expect(result.status == 0, "\(result.output)")
        }
        // The schema is not vacuous: a <testcase> without its required name is refused.
        let broken = reports.directory + "/broken.xml"
        let text = try String(contentsOfFile: reports.latest.junit, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "<testcase name=", with: "<testcase label=").utf8).write(to: URL(fileURLWithPath: broken))
        let refused = try ReportConsumers.run(xmllint, ["--noout", "--schema", ReportConsumers.junitSchema, broken])
        #expect(refused.status != 0)
        #expect(refused.output.contains("name"))
    }

    struct ParsedJUnit: Decodable {
        var tests: Int
        var failures: Int
        var errors: Int
        var skipped: Int
        var results: [String: String]
        var properties: [String: String]
    }

    static let junitparserScript = """
        import json, sys
        from junitparser import JUnitXml, Failure, Error, Skipped
        xml = JUnitXml.fromfile(sys.argv[1])
        suite = next(iter(xml))
        results = {}
        for case in suite:
            kinds = [type(r).__name__ for r in case.result]
            results[case.name] = kinds[0] if kinds else "Passed"
        print(json.dumps({"tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "skipped": suite.skipped,
                          "results": results, "properties": {p.name: p.value for p in suite.properties()}}))
        """

    @Test func junitparserReadsEachVerdictAndTheRecordHash() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let parsed = try ReportConsumers.python(Self.junitparserScript, [reports.latest.junit], as: ParsedJUnit.self)
        #expect(parsed.results.values.filter { $0 == "Failure" }.count == parsed.failures)
        #expect(parsed.results.values.filter { $0 == "Error" }.count == parsed.errors)
        #expect(parsed.results.values.filter { $0 == "Skipped" }.count == parsed.skipped)
        #expect(parsed.tests == parsed.results.count)
        #expect(parsed.results.first { $0.key.contains("checks[1].money") }?.value == "Failure", "\(parsed.results)")
        #expect(parsed.results.first { $0.key.contains("checks[2].totp_login") }?.value == "Error")
        #expect(parsed.results.first { $0.key.contains("checks[3].http") }?.value == "Skipped")
        #expect(parsed.results.first { $0.key.contains("checks[0].row_counts") }?.value == "Passed")
        #expect(parsed.results.first { $0.key.contains("RTO") }?.value == "Error", "an unmeasured RTO is never a pass")
        let hash = try FileDigest.sha256(path: reports.latest.json).hex
        #expect(parsed.properties["record_sha256"] == hash)

        // And the healthy month reads as all passed.
        let healthy = try ReportConsumers.python(Self.junitparserScript, [reports.files[0][0]], as: ParsedJUnit.self)
        #expect(healthy.tests == parsed.tests, "the healthy month has the same cases")
        #expect(healthy.failures == 0 && healthy.errors == 0 && healthy.skipped == 0)
        #expect(healthy.results.values.allSatisfy { $0 == "Passed" })
    }

    // MARK: - Markdown

    struct RenderedMarkdown: Decodable {
        var headings: [String]
        var tables: [[[String]]]
        var images: [[String]]
        var scriptTags: Int
        var text: String
    }

    static let markdownScript = """
        import json, sys
        from html.parser import HTMLParser
        from markdown_it import MarkdownIt
        html = MarkdownIt("commonmark").enable("table").render(open(sys.argv[1], encoding="utf-8").read())
        class Reader(HTMLParser):
            def __init__(self):
                super().__init__(); self.headings=[]; self.tables=[]; self.images=[]; self.scripts=0; self.text=[]
                self.cell=None; self.heading=None
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "table": self.tables.append([])
                elif tag == "tr": self.tables[-1].append([])
                elif tag in ("td", "th"): self.cell = ""
                elif tag in ("h1", "h2", "h3"): self.heading = ""
                elif tag == "img": self.images.append([a.get("src", ""), a.get("alt", "")])
                elif tag == "script": self.scripts += 1
            def handle_endtag(self, tag):
                if tag in ("td", "th"): self.tables[-1][-1].append(self.cell.strip()); self.cell = None
                elif tag in ("h1", "h2", "h3"): self.headings.append(self.heading.strip()); self.heading = None
            def handle_data(self, data):
                self.text.append(data)
                if self.cell is not None: self.cell += data
                if self.heading is not None: self.heading += data
        reader = Reader(); reader.feed(html)
        print(json.dumps({"headings": reader.headings, "tables": reader.tables, "images": reader.images,
                          "scriptTags": reader.scripts, "text": "".join(reader.text)}))
        """

    @Test func theDrillReportRendersAsIntended() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let rendered = try ReportConsumers.python(Self.markdownScript, [reports.latest.markdown], as: RenderedMarkdown.self)
        #expect(rendered.headings.first == "Restore drill: sovecom-monthly")
        #expect(rendered.headings.contains("Evidence record"))
        // Hostile text stays text: no script element, no table broken by a pipe.
        #expect(rendered.scriptTags == 0)
        #expect(rendered.text.contains("<script>alert(1)</script> | **not bold**"))
        let checks = try #require(rendered.tables.first { $0.first?.first == "Check" })
        #expect(checks.count == 1 + 4, "a header and one row per check")
        #expect(checks.allSatisfy { $0.count == 5 }, "every row keeps its five cells: \(checks)")
        #expect(checks.contains { $0.contains("money | cents") && $0.contains("✘ FAIL") })
        #expect(checks.contains { $0.contains("! ERROR") } && checks.contains { $0.contains("- SKIPPED") })
        let objectives = try #require(rendered.tables.first { $0.first?.first == "Objective" })
        #expect(objectives.contains { $0.first?.hasPrefix("RTO") == true && $0.contains("not measured") })
        // The timeline is an image beside the report, with words for those who cannot see it.
        let timeline = URL(fileURLWithPath: reports.latest.timeline).lastPathComponent
        #expect(rendered.images.contains { $0[0] == timeline && $0[1].contains("Step timeline") })
        #expect(rendered.text.contains(try FileDigest.sha256(path: reports.latest.json).hex))
    }

    @Test func theHistoryAndControlSummariesRenderAsTables() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let folder = try RecordFolder.read(reports.directory)
        let histories = DrillHistory.read(folder, trusting: [TrustedKey(publicKey: reports.key.publicKey)])
        let written = try HistoryWriter.write(histories, asOf: ISO8601.date(from: "2026-11-22T00:00:00Z")!, to: reports.directory)
        let history = try ReportConsumers.python(Self.markdownScript, [written[0]], as: RenderedMarkdown.self)
        let runs = try #require(history.tables.first { $0.first?.first == "Started (UTC)" })
        #expect(runs.count == 1 + 3)
        #expect(runs[1].contains("! ERROR"), "newest first: \(runs[1])")
        #expect(history.images.contains { $0[0] == "history-sovecom-monthly.svg" })
        #expect(history.text.contains("OVERDUE"), "the last pass was 2026-09-01, 82 days before, with a 32d cadence")

        let controls = reports.directory + "/controls.md"
        try Data(ControlMatrix.markdown(histories, generatedAt: Date()).utf8).write(to: URL(fileURLWithPath: controls))
        let matrix = try ReportConsumers.python(Self.markdownScript, [controls], as: RenderedMarkdown.self)
        let summary = try #require(matrix.tables.first { $0.first?.first == "Control" })
        #expect(summary.count == 1 + 2)
        #expect(summary.allSatisfy { $0.count == 7 })
        #expect(summary[1].contains("2 of 3"), "\(summary[1])")
    }

    // MARK: - SVG

    struct Picture: Decodable {
        var width: Int
        var height: Int
        var colours: [String: Int]
    }

    static let pixelScript = """
        import json, sys
        from PIL import Image
        image = Image.open(sys.argv[1]).convert("RGB")
        wanted = {"pass": (0x2e, 0x7d, 0x32), "fail": (0xc6, 0x28, 0x28), "error": (0xef, 0x6c, 0x00), "line": (0x15, 0x65, 0xc0)}
        counts = {name: 0 for name in wanted}
        for count, colour in image.getcolors(maxcolors=1 << 24):
            for name, rgb in wanted.items():
                if colour == rgb: counts[name] += count
        print(json.dumps({"width": image.width, "height": image.height, "colours": counts}))
        """

    func drawn(_ svg: String) throws -> Picture {
        let xmllint = try #require(ReportConsumers.system("xmllint"))
        let wellFormed = try ReportConsumers.run(xmllint, ["--noout", svg])
        #expect(wellFormed.status == 0, "\(svg): \(wellFormed.output)")
        let png = svg + ".png"
        let drawn = try ReportConsumers.run(try #require(ReportConsumers.system("rsvg-convert")), ["--format", "png", "--output", png, svg])
        try #require(drawn.status == 0, "\(drawn.output)")
        let header = try Data(contentsOf: URL(fileURLWithPath: png)).prefix(8)
        #expect(header == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        return try ReportConsumers.python(Self.pixelScript, [png], as: Picture.self)
    }

    @Test func theStepTimelineDrawsEachStepInItsVerdictColour() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let failing = try drawn(reports.latest.timeline)
        #expect(failing.width == 760)
        #expect(failing.colours["pass"]! > 500, "the passing steps are drawn as green bars")
        #expect(failing.colours["error"]! > 100, "the errored checks bar is drawn in the error colour")
        let healthy = try drawn(reports.files[0][3])
        #expect(healthy.colours["error"]! == 0 && healthy.colours["fail"]! == 0, "a healthy drill draws no failure colour")
    }

    @Test func theHistoryChartDrawsTheTrendAndMarksTheFailedDrill() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let histories = DrillHistory.read(try RecordFolder.read(reports.directory))
        let paths = try HistoryWriter.write(histories, asOf: Date(), to: reports.directory)
        let chart = try drawn(paths[1])
        #expect(chart.colours["line"]! > 100, "the RTO/RPO lines are drawn")
        #expect(chart.colours["pass"]! > 50, "passing drills are green dots")
        #expect(chart.colours["error"]! > 10, "the errored drill is marked")
        // Without the failed month, no failure is drawn.
        try FileManager.default.removeItem(atPath: reports.latest.json)
        let healthy = try HistoryWriter.write(DrillHistory.read(try RecordFolder.read(reports.directory)), asOf: Date(), to: reports.directory + "/healthy")
        let healthyChart = try drawn(healthy[1])
        #expect(healthyChart.colours["error"]! == 0 && healthyChart.colours["fail"]! == 0)
    }

    // MARK: - Prometheus

    struct Samples: Decodable {
        var samples: [String: Double]
        var families: [String]
    }

    static let prometheusScript = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples, families = {}, []
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            families.append(family.type)
            for s in family.samples:
                key = s.name + "".join(f"|{k}={v}" for k, v in sorted(s.labels.items()) if k != "scenario")
                samples[key] = s.value
        print(json.dumps({"samples": samples, "families": families}))
        """

    @Test func thePrometheusClientReadsTheOutcome() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let histories = DrillHistory.read(try RecordFolder.read(reports.directory), trusting: [TrustedKey(publicKey: reports.key.publicKey)])
        let file = try PrometheusTextfile.write(PrometheusTextfile.entries(from: histories), to: reports.directory + "/drill.prom")
        let failing = try ReportConsumers.python(Self.prometheusScript, [file], as: Samples.self)
        #expect(failing.families.allSatisfy { $0 == "gauge" })
        #expect(failing.samples["restore_drill_verified"] == 0)
        #expect(failing.samples["restore_drill_exit_code"] == 2)
        #expect(failing.samples["restore_drill_rto_met"] == 0)
        #expect(failing.samples["restore_drill_rto_seconds"] == nil, "an unmeasured RTO has no value, not 0")
        #expect(failing.samples["restore_drill_check_pass|check=checks[2].totp_login|kind=totp_login|verdict=error"] == 0)
        #expect(failing.samples["restore_drill_last_pass_timestamp_seconds"] == reports.records[1].startedAt.timeIntervalSince1970)
        #expect(failing.samples["restore_drill_record_signed"] == 1)

        let healthy = PrometheusTextfile.Entry(record: reports.records[1], lastPass: reports.records[1].startedAt, signed: true)
        let healthyFile = try PrometheusTextfile.write([healthy], to: reports.directory + "/healthy.prom")
        let passed = try ReportConsumers.python(Self.prometheusScript, [healthyFile], as: Samples.self)
        #expect(passed.samples["restore_drill_verified"] == 1)
        #expect(passed.samples["restore_drill_rto_met"] == 1)
        #expect(passed.samples["restore_drill_rto_seconds"] == reports.records[1].rto?.measuredSeconds)
        #expect(passed.samples["restore_drill_check_pass|check=checks[2].totp_login|kind=totp_login|verdict=pass"] == 1)
    }

    // MARK: - The seal, checked without restore-drill

    @Test func opensslAndSha256sumCheckTheSealWithoutRestoreDrill() throws {
        let reports = try Reports()
        defer { reports.remove() }
        let seal = try JSONDecoder.drill.decode(RecordSeal.self, from: Data(contentsOf: URL(fileURLWithPath: reports.latest.seal)))
        let scratch = reports.directory + "/openssl"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try Data(seal.signedText.utf8).write(to: URL(fileURLWithPath: scratch + "/signed.txt"))
        try Data(base64Encoded: seal.signature)!.write(to: URL(fileURLWithPath: scratch + "/signature.bin"))
        try Data(seal.publicKey.utf8).write(to: URL(fileURLWithPath: scratch + "/signer.pub.pem"))
        let openssl = try #require(ReportConsumers.system("openssl"))
        let verify = ["pkeyutl", "-verify", "-pubin", "-inkey", scratch + "/signer.pub.pem", "-rawin",
                      "-in", scratch + "/signed.txt", "-sigfile", scratch + "/signature.bin"]
        let verified = try ReportConsumers.run(openssl, verify)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("Signature Verified Successfully"))

        // The same signature over an edited line is refused.
        try Data(seal.signedText.replacingOccurrences(of: seal.files[1].sha256, with: String(repeating: "0", count: 64)).utf8)
            .write(to: URL(fileURLWithPath: scratch + "/signed.txt"))
        #expect(try ReportConsumers.run(openssl, verify).status != 0)

        // The signed lines are sha256sum's own format: it checks the files as they lie.
        let lines = seal.signedText.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
        let sha256sum = try #require(ReportConsumers.system("sha256sum"))
        let checked = try ReportConsumers.run("/bin/sh", ["-c", "cd \"$1\" && \"$2\" -c -", "sh", reports.directory, sha256sum], input: lines)
        #expect(checked.status == 0, "\(checked.output)")
        try Data("edited\n".utf8).write(to: URL(fileURLWithPath: reports.latest.markdown))
        let edited = try ReportConsumers.run("/bin/sh", ["-c", "cd \"$1\" && \"$2\" -c -", "sh", reports.directory, sha256sum], input: lines)
        #expect(edited.status != 0)
        #expect(edited.output.contains("FAILED"))
    }
}
