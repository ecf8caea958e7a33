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
                     "sovecom-monthly-20260624T021500Z-cd34.json", "sovecom-monthly-20260624T021500Z-cd34.svg"]
        #expect(paths.map { URL(fileURLWithPath: $0).lastPathComponent } == names)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == names.sorted())

        var linked = record
        linked.chain = ChainLink(sequence: 1)
        let json = try JSONReport.render(linked)
        let reference = RecordReference(fileName: names[2], sha256: FileDigest.sha256(data: Data(json.utf8)), signerKeyID: nil,
                                        sequence: 1, timelineFileName: names[3])
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == JUnitReport.render(linked, reference: reference))
        #expect(try String(contentsOfFile: paths[1], encoding: .utf8) == MarkdownReport.render(linked, reference: reference))
        #expect(try String(contentsOfFile: paths[2], encoding: .utf8) == json)
        #expect(try String(contentsOfFile: paths[3], encoding: .utf8) == StepTimelineSVG.render(linked))
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
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("rewritten"))
        // The same run written again is not its own predecessor.
        #expect(try JSONDecoder.drill.decode(DrillRecord.self, from: Data(text.utf8)).chain == ChainLink(sequence: 1))
    }

    @Test func fileNamesCannotEscapeTheDirectory() {
        var record = ReportFixtures.passingDrill()
        record.scenarioName = "../../etc"
        record.runId = "a/b c:d"
        #expect(ReportWriter.fileName(for: record, format: .json) == "-..-etc-a-b-c-d.json")
    }
}
