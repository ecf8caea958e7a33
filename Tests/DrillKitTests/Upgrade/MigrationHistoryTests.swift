@testable import DrillKit
import Testing

/// What a migrations table says was applied, across the shapes real runners keep: a history
/// keyed by version (RefStore, Django), one keyed by a serial that can record a migration
/// twice (a runner that is not idempotent), and a single current-head row (Alembic).
struct MigrationHistoryTests {
    @Test func aHistoryKeyedByVersionGivesTheNewEntries() {
        #expect(MigrationHistory.applied(before: ["1 a", "2 b"], after: ["1 a", "2 b", "3 c"]) == ["3 c"])
        #expect(MigrationHistory.applied(before: ["1 a"], after: ["1 a"]) == [])
        #expect(MigrationHistory.applied(before: nil, after: ["1 a"]) == ["1 a"], "no table before: everything in it was applied")
        #expect(MigrationHistory.applied(before: ["1 a"], after: nil) == nil, "no migrations table: nothing can be said")
    }

    @Test func aMigrationRecordedASecondTimeWasAppliedAgain() {
        // A history keyed by a serial: the second start recorded the same backfill again.
        #expect(MigrationHistory.applied(before: ["0001 backfill"], after: ["0001 backfill", "0001 backfill"]) == ["0001 backfill"])
    }

    @Test func aSingleHeadRowNamesTheNewHead() {
        // Alembic's alembic_version holds the current head only: the old one is replaced.
        #expect(MigrationHistory.applied(before: ["0584bdc529eb"], after: ["1b5f0d9ad7c1"]) == ["1b5f0d9ad7c1"])
        #expect(MigrationHistory.replacedHead(before: ["0584bdc529eb"], after: ["1b5f0d9ad7c1"]) == "0584bdc529eb")
        #expect(MigrationHistory.described(applied: ["1b5f0d9ad7c1"], previousHead: "0584bdc529eb") == "revision 0584bdc529eb → 1b5f0d9ad7c1")
        // A history keeps its old entries: never a replaced head, even with one entry before.
        #expect(MigrationHistory.replacedHead(before: ["1 a"], after: ["1 a", "2 b"]) == nil)
        #expect(MigrationHistory.replacedHead(before: ["1 a"], after: ["1 a"]) == nil)
        #expect(MigrationHistory.replacedHead(before: [], after: ["1 a"]) == nil)
        #expect(MigrationHistory.described(applied: ["2 b", "3 c"], previousHead: nil) == "2 migrations")
    }

    @Test func eachMigrationsTimeIsReadFromTheLineNamingIt() {
        let output = "applied 0012_customer_name_parts in 41ms\napplied 0013_drop_customer_name in 1.5s\n"
        #expect(MigrateStep.seconds(of: "12 customer_name_parts", in: output) == 0.041)
        #expect(MigrateStep.seconds(of: "13 drop_customer_name", in: output) == 1.5)
        #expect(MigrateStep.seconds(of: "14 not_run", in: output) == nil)
    }
}
