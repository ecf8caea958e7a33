import Foundation
import Testing
@testable import DrillKit

@Suite struct JSONReportTests {
    @Test(arguments: ReportSample.allCases)
    func roundTripsToAnEqualRecord(sample: ReportSample) throws {
        let record = sample.record
        let json = try JSONReport.render(record)
        let decoded = try JSONDecoder.drill.decode(DrillRecord.self, from: Data(json.utf8))
        #expect(decoded == record)
    }

    @Test func usesSnakeCaseKeysInStableOrder() throws {
        let record = ReportFixtures.passingDrill()
        let json = try JSONReport.render(record)
        #expect(json.contains(#""run_id" : "20260624T021500Z-ab12""#))
        #expect(json.contains(#""started_at" : "2026-06-24T02:15:00.000Z""#))
        #expect(try JSONReport.render(record) == json)
        let checksKey = try #require(json.range(of: #""checks""#))
        let verdictKey = try #require(json.range(of: #""verdict" : "pass""#, options: .backwards))
        #expect(checksKey.lowerBound < verdictKey.lowerBound)
    }
}
