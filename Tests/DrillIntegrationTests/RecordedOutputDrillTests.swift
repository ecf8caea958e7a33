import Foundation
@testable import DrillKit
import Testing

/// ecommus's plugin list, the way its upgrade guide diffs it: `restore-drill manifest` records
/// what the lister printed against production, and a `command` check compares the drill's
/// output with it, exactly or up to version bumps, listing the lines that differ.
@Suite(.serialized, .timeLimit(.minutes(10))) struct RecordedOutputDrillTests {
    static let pluginsSQL = smallShopSQL + """

        CREATE TABLE plugins (name text PRIMARY KEY, version text NOT NULL);
        INSERT INTO plugins VALUES ('@ecommus-plugin/invoices', '1.2.0'), ('@ecommus-plugin/loyalty', '0.9.1'), ('@ecommus-plugin/seo', '2.0.0');
        """
    static let lister = ["psql", "-XAtc", "SELECT name || ' ' || version FROM plugins ORDER BY name"]

    static func scenario(allow: String) -> String {
        """
        version: 1
        name: ecommus-plugins
        environment:
          kind: local
          database: { name: shop, user: shop }
        backup:
          dump: \(allow).dump
          manifest: shop.manifest.json
        checks:
          - command:
              run: [psql, -XAtc, "SELECT name || ' ' || version FROM plugins ORDER BY name"]
              expect: { output_recorded: plugins, allow: \(allow) }
        report:
          dir: reports
        """
    }

    @Test func theDrillsPluginListIsComparedWithWhatProductionPrintedAtBackupTime() async throws {
        let scratch = try ScratchFolder()
        defer { scratch.remove() }
        for allow in ["exact", "version_bumps"] {
            try Self.scenario(allow: allow).write(toFile: scratch.file("\(allow).yml"), atomically: true, encoding: .utf8)
        }
        try await withTestPostgres { production in
            try await production.execute(Self.pluginsSQL)
            var environment = production.cluster.clientEnvironment(database: production.database).compactMapValues { $0 }
            environment["PGDATABASE"] = production.database
            // Not bound to one dump (no --exec): the later dumps below are drilled against this record.
            let taken = try await HarnessBinary.run(["manifest", "--scenario", scratch.file("exact.yml"), "--out", scratch.file("shop.manifest.json")],
                                                    environment: environment)
            try await production.dump(to: scratch.file("exact.dump"), format: .custom)
            #expect(taken.succeeded, "\(taken.errorTail())")
            #expect(taken.standardError.contains(", outputs of plugins"), "\(taken.standardError)")
            let manifest = try JSONDecoder.drill.decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.file("shop.manifest.json"))))
            #expect(manifest.commandOutputs?["plugins"]?.output == "@ecommus-plugin/invoices 1.2.0\n@ecommus-plugin/loyalty 0.9.1\n@ecommus-plugin/seo 2.0.0\n")
            #expect(manifest.commandOutputs?["plugins"]?.command.hasPrefix("psql -XAtc") == true)

            // A dump of the same moment: the same list, exactly.
            let same = await DrillRunner(scenario: try ScenarioLoader.load(path: scratch.file("exact.yml"))).run()
            #expect(same.verdict == .pass, "\(same.outline)")
            #expect(same.checks.first?.message?.hasSuffix("ended with exit code 0, output as expected") == true, "\(same.checks.first?.message ?? "")")

            // Later, one plugin bumped: a dump of that moment differs from the record only in a version.
            try await production.execute("UPDATE plugins SET version = '1.3.0' WHERE name = '@ecommus-plugin/invoices'")
            try await production.dump(to: scratch.file("version_bumps.dump"), format: .custom)
            let bumped = await DrillRunner(scenario: try ScenarioLoader.load(path: scratch.file("version_bumps.yml"))).run()
            #expect(bumped.checks.first?.verdict == .pass, "\(bumped.outline)")
            #expect(bumped.checks.first?.message?.hasSuffix("output equal to what production printed (recorded as plugins) up to 1 version bump "
                                                            + "(@ecommus-plugin/invoices 1.2.0 → @ecommus-plugin/invoices 1.3.0)") == true,
                    "\(bumped.checks.first?.message ?? "")")
            try FileManager.default.copyItem(atPath: scratch.file("version_bumps.dump"), toPath: scratch.file("exact.dump.bumped"))
            try FileManager.default.removeItem(atPath: scratch.file("exact.dump"))
            try FileManager.default.moveItem(atPath: scratch.file("exact.dump.bumped"), toPath: scratch.file("exact.dump"))
            let strict = await DrillRunner(scenario: try ScenarioLoader.load(path: scratch.file("exact.yml"))).run()
            #expect(strict.checks.first?.verdict == .fail, "exact: a bump is a difference: \(strict.outline)")

            // A plugin gone and one new: the diff lists both, up to version bumps or not.
            try await production.execute("DELETE FROM plugins WHERE name = '@ecommus-plugin/loyalty'; INSERT INTO plugins VALUES ('@ecommus-plugin/reviews', '1.0.0')")
            try await production.dump(to: scratch.file("version_bumps.dump"), format: .custom)
            let lost = await DrillRunner(scenario: try ScenarioLoader.load(path: scratch.file("version_bumps.yml"))).run()
            let check = try #require(lost.checks.first)
            #expect(check.verdict == .fail, "\(lost.outline)")
            #expect(check.message?.hasSuffix("its output differs from what production printed (recorded as plugins) at line 2: "
                                             + "expected '@ecommus-plugin/loyalty 0.9.1', got '@ecommus-plugin/reviews 1.0.0'; 1 line gone, 1 new:\n"
                                             + "- @ecommus-plugin/loyalty 0.9.1\n+ @ecommus-plugin/reviews 1.0.0") == true, "\(check.message ?? "")")

            // A manifest that never recorded it: could not run, never a pass.
            let plain = try await ManifestTaker(connection: production.parameters).take()
            try JSONEncoder.drill.encode(plain).write(to: URL(fileURLWithPath: scratch.file("shop.manifest.json")))
            let unrecorded = await DrillRunner(scenario: try ScenarioLoader.load(path: scratch.file("version_bumps.yml"))).run()
            #expect(unrecorded.checks.first?.verdict == .error, "\(unrecorded.outline)")
            #expect(unrecorded.checks.first?.message?.contains("recorded no output named plugins: take it with `restore-drill manifest --scenario") == true,
                    "\(unrecorded.checks.first?.message ?? "")")

            // --record gives production's own invocation; a malformed one, or one that fails, stops the manifest.
            let recorded = try await HarnessBinary.run(["manifest", "--record", "plugins=printf 'a 1.0\\nb 2.0\\n'"], environment: environment)
            #expect(recorded.succeeded, "\(recorded.errorTail())")
            #expect(recorded.standardOutput.contains("\"output\" : \"a 1.0\\nb 2.0\\n\""), "\(recorded.standardOutput.prefix(400))")
            let malformed = try await HarnessBinary.run(["manifest", "--record", "list plugins"], environment: environment)
            #expect(malformed.exitCode == 2)
            #expect(malformed.standardError.contains("--record 'list plugins' is not NAME='COMMAND'"), "\(malformed.standardError)")
            let failing = try await HarnessBinary.run(["manifest", "--record", "plugins=echo registry unreachable >&2; exit 4"], environment: environment)
            #expect(failing.exitCode == 2)
            #expect(failing.standardError.contains("the command recorded as plugins failed (exit code 4): registry unreachable"), "\(failing.standardError)")
        }
    }
}
