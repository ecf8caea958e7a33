import Foundation
import Testing
@testable import DrillKit

@Suite struct ScenarioLoaderValidateTests {
    @Test func validFilesExitZeroAndSayOk() {
        let minimal = ScenarioFixtures.path("good/minimal.yml")
        let pitr = ScenarioFixtures.path("good/local-pitr.yml")
        let validation = ScenarioValidator.validate(paths: [minimal, pitr], environment: ["PG_HOME": "/opt/pg16"])
        #expect(validation.exitCode == 0)
        #expect(validation.diagnostics.isEmpty)
        #expect(validation.lines == ["\(minimal): ok (1 check)", "\(pitr): ok (6 checks)"])
    }

    @Test func anyBadFileExitsTwoAndListsEachProblemOnItsOwnLine() {
        let good = ScenarioFixtures.path("good/minimal.yml")
        let bad = ScenarioFixtures.path("bad/unknown-top-level-key.yml")
        let validation = ScenarioValidator.validate(paths: [good, bad], environment: [:])
        #expect(validation.exitCode == 2)
        #expect(validation.lines == [
            "\(good): ok (1 check)",
            "\(bad):10:1: unknown key 'reprot' at the top level (did you mean 'report'?)",
            "\(bad):12:1: unknown key 'schedule' at the top level",
        ])
        #expect(validation.files.map(\.isValid) == [true, false])
        #expect(validation.files.map(\.checkCount) == [1, nil])
    }

    @Test func aMissingFileIsReportedWithoutAPosition() {
        let validation = ScenarioValidator.validate(paths: ["/nonexistent/drill.yml"], environment: [:])
        #expect(validation.exitCode == 2)
        #expect(validation.lines == ["/nonexistent/drill.yml: no such file"])
    }

    @Test func aFolderIsNotAScenario() {
        let folder = ScenarioFixtures.path("good")
        #expect(ScenarioValidator.validate(paths: [folder], environment: [:]).lines == ["\(folder): is a directory, not a scenario file"])
    }

    @Test func validatingNothingIsNotASuccess() {
        #expect(ScenarioValidator.validate(paths: [], environment: [:]).exitCode == 2)
    }

    @Test func everyGoodFixtureValidates() throws {
        let environment = ["BACKUP_ROOT": "/srv/backups", "DRILL_AGE_IDENTITY": "/keys/age.txt", "PG_HOME": "/opt/pg16"]
        let files = try FileManager.default.contentsOfDirectory(atPath: ScenarioFixtures.path("good")).sorted()
        let validation = ScenarioValidator.validate(paths: files.map { ScenarioFixtures.path("good/\($0)") }, environment: environment)
        #expect(validation.exitCode == 0, "\(validation.lines)")
    }

    @Test func everyBadFixtureFails() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: ScenarioFixtures.path("bad")).sorted()
        for file in files {
            let validation = ScenarioValidator.validate(paths: [ScenarioFixtures.path("bad/\(file)")], environment: [:])
            #expect(validation.exitCode == 2, "\(file)")
            #expect(!validation.lines.isEmpty && validation.lines.allSatisfy { !$0.contains(": ok (") }, "\(file)")
        }
    }
}
