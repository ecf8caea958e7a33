import Foundation
@testable import DrillKit
import Testing

/// SovEcom's database (PostgreSQL 17 with pgvector): a pg_dump 17 archive with a `vector`
/// column and an HNSW index, made by the 17 image's own pg_dump, drills through compose on
/// the image picked by the dump's version; the same archive on the local PostgreSQL 15, and
/// its plain form on the 15 image, say what they would need instead.
@Suite(.enabled(if: ComposeEngine.shouldRun, "no Docker engine answers: set DOCKER_HOST or run scripts/docker-engine.sh start"),
       .serialized, .timeLimit(.minutes(10)))
struct PostgreSQL17Tests {
    static let itemCount = 300

    static func docker(_ arguments: [String]) async throws -> CommandOutput {
        let output = try await CommandRunner.run(Command("docker", arguments))
        guard output.succeeded else { throw ScratchError("docker \(arguments.prefix(2).joined(separator: " ")) failed: \(output.errorTail())") }
        return output
    }

    /// `shop17.dump` (custom) and `shop17.sql` (plain) in `scratch`, from a throwaway container of the 17 image.
    static func makeDumps(in scratch: ScratchFolder) async throws {
        let name = "restore-drill-test-pg17-" + RandomToken.hex(bytes: 4)
        _ = try await docker(["run", "--detach", "--name", name, "--label", "restore-drill.test=pg17",
                              "-e", "POSTGRES_PASSWORD=test", "-e", "POSTGRES_USER=shop", "-e", "POSTGRES_DB=shop", "restore-drill/postgres:17"])
        do {
            let deadline = ContinuousClock.now + .seconds(60)
            // Until the entrypoint's first start has made the database and the server listens for good.
            while try await CommandRunner.run(Command("docker", ["exec", name, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "shop", "-d", "shop"])).succeeded == false {
                guard ContinuousClock.now < deadline else { throw ScratchError("PostgreSQL 17 did not start in its container") }
                try await Task.sleep(for: .milliseconds(200))
            }
            _ = try await docker(["exec", name, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "shop", "-d", "shop", "-c", """
                CREATE EXTENSION vector;
                CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, embedding vector(3) NOT NULL);
                INSERT INTO items (name, embedding)
                  SELECT 'item ' || g, ('[' || g % 7 || ',' || g % 11 || ',' || g % 13 || ']')::vector FROM generate_series(1, \(itemCount)) g;
                CREATE INDEX items_embedding_hnsw ON items USING hnsw (embedding vector_l2_ops);
                """])
            _ = try await docker(["exec", name, "pg_dump", "-U", "shop", "-d", "shop", "-Fc", "-f", "/tmp/shop17.dump"])
            _ = try await docker(["exec", name, "pg_dump", "-U", "shop", "-d", "shop", "-Fp", "-f", "/tmp/shop17.sql"])
            _ = try await docker(["cp", "\(name):/tmp/shop17.dump", scratch.file("shop17.dump")])
            _ = try await docker(["cp", "\(name):/tmp/shop17.sql", scratch.file("shop17.sql")])
        } catch {
            _ = try? await CommandRunner.run(Command("docker", ["rm", "--force", "--volumes", name]))
            throw error
        }
        _ = try? await CommandRunner.run(Command("docker", ["rm", "--force", "--volumes", name]))
    }

    static let checks: [CheckKind] = [
        .sql(SQLCheckSpec(name: "items came back", query: "SELECT count(*) FROM items", expect: Comparison(op: .equal, operand: String(itemCount)))),
        .sql(SQLCheckSpec(name: "the HNSW index came back", query: "SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%USING hnsw%'",
                          expect: Comparison(op: .equal, operand: "1"))),
        .sql(SQLCheckSpec(name: "vectors answer a nearest-neighbour query",
                          query: "SELECT count(*) FROM (SELECT id FROM items ORDER BY embedding <-> '[1,1,1]' LIMIT 5) nearest",
                          expect: Comparison(op: .equal, operand: "5"))),
        .sequences(SequencesCheckSpec()),
        .integrity(IntegrityCheckSpec()),
    ]

    static func scenario(dump: String, image: String?, in scratch: ScratchFolder) -> Scenario {
        var scenario = Scenario.testScenario(dump: dump, checks: checks, reportDirectory: scratch.path)
        scenario.name = "pg17"
        scenario.environment = EnvironmentSpec(target: .compose(ComposeSpec(file: ComposeEngine.composeFile, databaseService: "postgres",
                                                                            databaseImage: image)),
                                               database: scenario.environment.database)
        return scenario
    }

    @Test func aPgvectorDumpFrom17DrillsOnTheImageItsVersionPicksAndSaysWhatElseItNeeds() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        try await Self.makeDumps(in: scratch)
        let dump = scratch.file("shop17.dump")

        let compose = await DrillRunner(scenario: Self.scenario(dump: dump, image: "restore-drill/postgres:{major}", in: scratch)).run()
        #expect(compose.verdict == .pass, "\(compose.outline)")
        #expect(compose.checks.map(\.verdict) == [.pass, .pass, .pass, .pass, .pass])
        #expect(compose.checks[4].message?.hasPrefix("1 table and 1 B-tree index verified by amcheck") == true, "\(compose.checks[4].message ?? "")")
        #expect(compose.environment?.serverVersion?.hasPrefix("PostgreSQL 17.") == true, "\(compose.environment?.serverVersion ?? "")")
        let target = try #require(compose.step(.target))
        #expect(target.evidence.contains { $0.hasPrefix("postgres runs restore-drill/postgres:17 (environment.compose.database_image, for a dump from PostgreSQL 17.") },
                "\(target.evidence)")
        #expect(compose.step(.restore)?.evidence.contains("extensions the dump needs: vector (all offered by the server)") == true)
        #expect(await ComposeProject.labelled(ComposeTarget.runLabel + "=" + compose.runId).isEmpty)

        var local = Scenario.testScenario(dump: dump, checks: Self.checks, reportDirectory: scratch.path)
        local.name = "pg17-local"
        let onFifteen = await DrillRunner(scenario: local).run()
        let prepare = try #require(onFifteen.step(.prepare))
        #expect(prepare.verdict == .error, "\(onFifteen.outline)")
        #expect(prepare.findings.map(\.code) == ["archive-newer-than-pg-restore"])
        #expect(prepare.findings.first?.explanation.contains("Install PostgreSQL 17's client and server") == true, "\(prepare.findings)")

        let plainOnFifteenImage = await DrillRunner(scenario: Self.scenario(dump: scratch.file("shop17.sql"), image: nil, in: scratch)).run()
        let restore = try #require(plainOnFifteenImage.step(.restore))
        #expect(restore.findings.map(\.code) == ["extension-missing"], "\(plainOnFifteenImage.outline)")
        #expect(restore.message?.hasPrefix("The dump needs the extension vector, which PostgreSQL 15") == true, "\(restore.message ?? "")")
        #expect(restore.findings.first?.explanation.contains("pgvector/pgvector:pg15") == true)
        #expect(!restore.evidence.contains { $0.hasPrefix("restore command:") }, "nothing was restored")

        let missingImage = await DrillRunner(scenario: Self.scenario(dump: dump, image: "restore-drill/no-such-postgres:{major}", in: scratch)).run()
        let created = try #require(missingImage.step(.target))
        #expect(created.verdict == .error)
        #expect(created.message?.hasPrefix("the database service needs the image restore-drill/no-such-postgres:17, which the engine at") == true,
                "\(created.message ?? "")")
        #expect(created.message?.contains("build it with scripts/build-images.sh") == true)
        #expect(missingImage.teardown?.leftovers == [])
    }
}
