import Foundation
import Testing
@testable import DrillKit

@Suite struct ReportWriterTests {
    private func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("report-writer-\(UUID().uuidString)").path
    }

    @Test func writesTheThreeReportsWithScenarioAndRunIdNames() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = root + "/nested/reports"
        let record = ReportFixtures.mixedDrill()

        let paths = try ReportWriter.write(record, to: directory, formats: [.junit, .markdown, .json])

        let names = ["sovecom-monthly-20260624T021500Z-cd34.xml", "sovecom-monthly-20260624T021500Z-cd34.md",
                     "sovecom-monthly-20260624T021500Z-cd34.json"]
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == names)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == names.sorted())
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == JUnitReport.render(record))
        #expect(try String(contentsOfFile: paths[1], encoding: .utf8) == MarkdownReport.render(record))
        #expect(try String(contentsOfFile: paths[2], encoding: .utf8) == JSONReport.render(record))
    }

    @Test func writesOnlyTheRequestedFormatsOnce() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let paths = try ReportWriter.write(ReportFixtures.passingDrill(), to: directory, formats: [.markdown, .markdown])
        #expect(paths.count == 1)
        #expect(paths.first?.hasSuffix("/sovecom-monthly-20260624T021500Z-ab12.md") == true)
    }

    @Test func rewritingReplacesTheReport() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var record = ReportFixtures.passingDrill()
        _ = try ReportWriter.write(record, to: directory, formats: [.json])
        record.summary = "rewritten"
        let path = try #require(try ReportWriter.write(record, to: directory, formats: [.json]).first)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("rewritten"))
    }

    @Test func fileNamesCannotEscapeTheDirectory() {
        var record = ReportFixtures.passingDrill()
        record.scenarioName = "../../etc"
        record.runId = "a/b c:d"
        #expect(ReportWriter.fileName(for: record, format: .json) == "-..-etc-a-b-c-d.json")
    }
}
