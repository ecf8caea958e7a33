import Foundation
@testable import DrillKit
import Testing

/// The compose target's building block against a real engine (scripts/test.sh starts one and
/// builds the images offline).
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .timeLimit(.minutes(10)))
struct ComposeProjectTests {
    @Test func theEngineIsThereAndAMissingOneIsNamed() async throws {
        try await ComposeProject.checkEngine()
        let missing = await #expect(throws: ComposeProject.Failure.self) {
            try await ComposeProject.checkEngine(environment: ["DOCKER_HOST": "unix:///nonexistent/docker.sock"])
        }
        #expect(missing?.description.contains("no Docker engine answers at unix:///nonexistent/docker.sock") == true,
                "\(missing?.description ?? "")")
    }

    @Test func aProjectComesUpOnLoopbackAndGoesAwayWithoutTouchingAnother() async throws {
        let runId = "test-" + RandomToken.hex(bytes: 4)
        let password = RandomToken.hex(bytes: 12)
        let variables = ["DRILL_DB_PASSWORD": password, "DRILL_DB_USER": "shop", "DRILL_DB_NAME": "shop"]
        let project = ComposeProject(scenario: "Compose Test", runId: runId, file: ComposeEngine.composeFile, variables: variables)
        #expect(project.name == "drill-compose-test-\(runId)")
        let bystander = ComposeProject(scenario: "bystander", runId: runId, file: ComposeEngine.composeFile, variables: variables)

        do {
            try await project.up(["postgres"])
            try await bystander.create(["postgres"])
            let address = try await project.address(of: "postgres", port: 5432)
            #expect(address.hasPrefix("127.0.0.1:"), "published on loopback only: \(address)")

            let port = Int(address.split(separator: ":").last ?? "")
            let connection = try await PostgresConnection.connect(ConnectionParameters(
                host: "127.0.0.1", port: port, user: "shop", password: password, database: "shop"))
            #expect(try await connection.query("SELECT current_database()").scalar == "shop")
            connection.close()

            let inside = try await project.exec("postgres", ["psql", "-U", "shop", "-d", "shop", "-Atc", "SELECT 40 + 2"])
            #expect(inside.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "42", "\(inside.errorTail())")

            let teardown = await project.tearDown()
            #expect(teardown.leftovers == [])
            #expect(teardown.actions.last?.hasPrefix("verified: no container, volume or network") == true)
            #expect(!teardown.actions.contains { $0.hasPrefix("removed what down left") }, "a clean down needs no sweep")
            #expect(await ComposeProject.labelled(project: project.name).isEmpty)
            #expect(await !ComposeProject.labelled(project: bystander.name).isEmpty, "another project must be left alone")
        } catch {
            _ = await project.tearDown()
            _ = await bystander.tearDown()
            throw error
        }
        _ = await bystander.tearDown()
    }

    /// What `down` does not take (here a volume carrying the run's label but no project) goes
    /// by label, and the proof that nothing is left still holds.
    @Test func whatDownLeavesIsRemovedByTheRunLabel() async throws {
        let runId = "test-" + RandomToken.hex(bytes: 4)
        let runLabel = ComposeTarget.runLabel + "=" + runId
        let project = ComposeProject(scenario: "sweep", runId: runId, file: ComposeEngine.composeFile,
                                     variables: ["DRILL_DB_PASSWORD": RandomToken.hex(bytes: 8)])
        let stray = try await CommandRunner.run(Command("docker", ["volume", "create", "--label", runLabel]))
        try #require(stray.succeeded, "\(stray.errorTail())")
        let volume = stray.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        try await project.create(["postgres"])
        let teardown = await project.tearDown(alsoLabelled: [runLabel])
        #expect(teardown.leftovers == [], "\(teardown.actions)")
        #expect(teardown.actions.contains { $0.hasPrefix("removed what down left, by label \(runLabel)") && $0.contains(volume) },
                "\(teardown.actions)")
        #expect(await ComposeProject.labelled(runLabel).isEmpty)
    }
}
