import Foundation
import Testing
@testable import DrillKit

/// The `command` check's keys: read when right, placed when wrong; and how it judges output.
@Suite struct CommandCheckKeysTests {
    static func command(_ body: String, preamble: String = ScenarioFixtures.validPreamble) -> String {
        preamble + "checks:\n  - command: \(body)\n"
    }

    static func settings(_ yaml: String) throws -> CommandCheckSpec {
        let scenario = try ScenarioFixtures.load(yaml: yaml)
        guard case .command(let settings) = scenario.checks[0].kind else { throw ScenarioLoadError(diagnostics: []) }
        return settings
    }

    static func messages(_ yaml: String) -> [String] {
        ScenarioFixtures.diagnostics(yaml: yaml).map { "\($0.line):\($0.column): \($0.message)" }
    }

    @Test func readsEveryExpectation() throws {
        let plain = try Self.settings(Self.command("{ run: [psql, -XAtc, 'SELECT 1'] }"))
        #expect(plain.run == ["psql", "-XAtc", "SELECT 1"])
        #expect(plain.timeoutSeconds == 60)
        #expect(plain.exitCode == 0)
        #expect(plain.output == nil)
        let full = try Self.settings(Self.command("{ run: [app, plugins], timeout: 30s, expect: { exit_code: 3, output: \"a\\nb\" } }"))
        #expect(full.timeoutSeconds == 30)
        #expect(full.exitCode == 3)
        #expect(full.output == .equals("a\nb"))
        #expect(try Self.settings(Self.command("{ run: [x], expect: { output_contains: ok } }")).output == .contains("ok"))
        #expect(try Self.settings(Self.command("{ run: [x], expect: { output_matches: '^v[0-9]+' } }")).output == .matches("^v[0-9]+"))
        #expect(try Self.settings(Self.command("{ run: [x], expect: { output_file: plugins.txt } }")).output == .equalsFile("/drills/plugins.txt"))
        #expect(try Self.settings(Self.command("{ run: [x], baseline_file: plugins.txt }")).baselineFile == "/drills/plugins.txt")
    }

    @Test func refusesWhatCannotBeJudged() {
        #expect(Self.messages(Self.command("{ run: [x], expect: { output: a, output_contains: b } }"))
                == ["9:47: 'output_contains' cannot be combined with 'output' under checks[0].command.expect: give only one of 'output' or 'output_contains' or 'output_matches' or 'output_file' or 'output_recorded'"])
        #expect(Self.messages(Self.command("{ run: [x], expect: { output_matches: '([' } }"))
                == ["9:52: output_matches '([' is not a regular expression"])
        #expect(Self.messages(Self.command("{ run: [x], expect: { exit_code: 300 } }")) == ["9:47: exit_code 300 is not an exit status: expected 0 to 255"])
        #expect(Self.messages(Self.command("{ run: [x], baseline_file: a.txt, expect: { output: b } }"))
                == ["9:26: baseline_file says what the output must be, and so does expect: keep one"])
        #expect(Self.messages(Self.command("{ run: [x], baseline_file: a.txt, expect: { allow: version_bumps } }")) == [],
                "a baseline file may differ by version bumps")
        #expect(Self.messages(Self.command("{ run: [x], expect: { output_contains: a, allow: version_bumps } }")).first?
                    .contains("output_contains and output_matches have none") == true)
        #expect(Self.messages(Self.command("{ run: [x], expect: { allow: version_bumps } }")).first?.contains("nothing to differ from") == true)
        #expect(Self.messages(Self.command("{ service: api, run: [x] }"))
                == ["9:5: checks[0].command.service needs environment.kind: compose; a local drill runs the command on this host: drop 'service: api'"])
    }

    @Test func oneRecordedNameIsOneProgram() {
        let yaml = ScenarioFixtures.validPreamble + """
            checks:
              - command: { run: [list-plugins], expect: { output_recorded: plugins } }
              - command: { run: [list-themes], expect: { output_recorded: plugins } }

            """
        #expect(Self.messages(yaml).contains { $0.contains("checks[1].command compares with the output recorded as plugins, which checks[0].command records too") },
                "\(Self.messages(yaml))")
    }

    @Test func judgesOutputBothWays() {
        #expect(CommandCheck.judge("a\nb", against: .equals("a\nb\n"), expectedText: nil).ok)
        let differs = CommandCheck.judge("a\nc", against: .equals("a\nb"), expectedText: nil)
        #expect(!differs.ok)
        #expect(differs.problem == "its output differs from the expected text at line 2: expected 'b', got 'c'; 1 line gone, 1 new:\n- b\n+ c")
        let shorter = CommandCheck.judge("alpha\nbeta", against: .equalsFile("/b/plugins.txt"), expectedText: "alpha\nbeta\ngamma")
        #expect(shorter.problem == "its output differs from /b/plugins.txt at line 3: expected 'gamma', got no line; 1 line gone:\n- gamma")
        // Up to version bumps: a bump passes and is named; a line gone still fails, listed.
        let bumped = CommandCheck.judge("api 2.0.0\ninvoices 1.1.0", against: .recorded("plugins"), expectedText: "api 1.0.0\ninvoices 1.1.0",
                                        allow: .versionBumps)
        #expect(bumped.ok)
        #expect(bumped.passing == "equal to what production printed (recorded as plugins) up to 1 version bump (api 1.0.0 → api 2.0.0)")
        #expect(!CommandCheck.judge("api 2.0.0", against: .recorded("plugins"), expectedText: "api 1.0.0", allow: .exact).ok)
        let gone = CommandCheck.judge("api 2.0.0\nseo 1.0", against: .recorded("plugins"), expectedText: "api 1.0.0\ntotp 1.0\nseo 1.0",
                                      allow: .versionBumps)
        #expect(gone.problem == "its output differs from what production printed (recorded as plugins) at line 2: expected 'totp 1.0', got 'seo 1.0'; "
                + "1 line gone:\n- totp 1.0", "\(gone.problem ?? "")")
        #expect(CommandCheck.judge("refstore 2.1.0", against: .contains("2.1"), expectedText: nil).ok)
        #expect(CommandCheck.judge("refstore 2.1.0", against: .contains("3.0"), expectedText: nil).problem == "its output does not contain '3.0'")
        #expect(CommandCheck.judge("v12", against: .matches("^v[0-9]+$"), expectedText: nil).ok)
        #expect(!CommandCheck.judge("version twelve", against: .matches("^v[0-9]+$"), expectedText: nil).ok)
    }

    @Test func quotesOutputBounded() {
        #expect(CommandCheck.quote("one line\n") == "'one line'")
        let long = (1...40).map { "line \($0)" }.joined(separator: "\n")
        let quoted = CommandCheck.quote(long)
        #expect(quoted.split(separator: "\n").count == CommandCheck.quotedLines + 1)
        #expect(quoted.hasSuffix("[… 40 lines in all, cut]"))
        #expect(CommandCheck.quote(String(repeating: "x", count: 10_000)).utf8.count < CommandCheck.quotedBytes + 100)
    }
}

/// `freshness`: which columns say how new the data is, and how far behind the backup they may be.
@Suite struct FreshnessCheckKeysTests {
    @Test func readsColumnsAndATolerance() throws {
        let yaml = ScenarioFixtures.validPreamble + "checks:\n  - freshness: { columns: [orders.created_at, sales.invoices.issued_at], tolerance: 2h }\n"
        let scenario = try ScenarioFixtures.load(yaml: yaml)
        guard case .freshness(let settings) = scenario.checks[0].kind else { Issue.record("not freshness"); return }
        #expect(settings.columns == [ColumnReference(table: "orders", column: "created_at"),
                                     ColumnReference(schema: "sales", table: "invoices", column: "issued_at")])
        #expect(settings.toleranceSeconds == 7200)
        let plain = try ScenarioFixtures.load(yaml: ScenarioFixtures.validPreamble + "checks:\n  - freshness: { columns: [orders.created_at] }\n")
        guard case .freshness(let defaults) = plain.checks[0].kind else { Issue.record("not freshness"); return }
        #expect(defaults.toleranceSeconds == 24 * 3600)
    }

    @Test func aTableIsNotAColumn() {
        let messages = ScenarioFixtures.diagnostics(yaml: ScenarioFixtures.validPreamble + "checks:\n  - freshness: { columns: [orders] }\n")
            .map { "\($0.line):\($0.column): \($0.message)" }
        #expect(messages == ["9:27: 'orders' in checks[0].freshness.columns is not a column: write table.column or schema.table.column"])
    }
}

/// The lines two outputs do not share, as `diff` lists them.
@Suite struct LineDiffTests {
    @Test func listsWhatIsGoneAndWhatIsNewAroundWhatBothShare() {
        #expect(LineDiff.changes(from: ["a", "b", "c", "d"], to: ["a", "c", "x", "d"]) == ["- b", "+ x"])
        #expect(LineDiff.changes(from: ["a"], to: ["a"]) == [])
        #expect(LineDiff.changes(from: [], to: ["n"]) == ["+ n"])
        #expect(LineDiff.changes(from: ["api 1.0", "seo 2.0"], to: ["api 1.1", "seo 2.0"], normalize: OutputAllowance.versionBumps.normalized) == [])
        #expect(LineDiff.changes(from: Array(repeating: "a", count: 3000), to: Array(repeating: "b", count: 3000)) == nil, "too large a table")
    }
}
