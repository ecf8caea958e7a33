import Testing
@testable import DrillKit

@Suite struct DurationTextTests {
    @Test(arguments: [("90s", 90.0), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("31d", 2_678_400), ("250ms", 0.25)])
    func parsesScenarioDurations(text: String, seconds: Double) {
        #expect(DurationText.parse(text) == seconds)
    }

    @Test(arguments: ["", "90", "1m1h", "1h1h", "abc", "5 m", "-1s", "1h30"])
    func rejectsMalformedDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func sizesUseBinaryAndDecimalUnits() {
        #expect(SizeText.parse("4KiB") == 4096)
        #expect(SizeText.parse("10MB") == 10_000_000)
        #expect(SizeText.parse("12") == nil)
        #expect(SizeText.parse("KiB") == nil)
    }
}

@Suite struct PostgresVersionTextTests {
    @Test func readsTheVersionFromDistributionBuilds() {
        #expect(PostgresBinaries.versionNumber(in: "pg_restore (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n") == "15.18")
        #expect(PostgresBinaries.versionNumber(in: "pg_restore (PostgreSQL) 17.2\n") == "17.2")
        #expect(PostgresBinaries.versionNumber(in: "no version here") == nil)
    }
}
