import Foundation
import Testing

/// Validates a file of the package against one of check-jsonschema's bundled schemas (no
/// network at check time); the exit status and the output.
enum SchemaChecker {
    static func check(schema: String, file relative: String) throws -> (status: Int32, output: String) {
        try ReportConsumers.run(ReportConsumers.checkJSONSchema, ["--builtin-schema", schema, ReportConsumers.packageRoot + "/" + relative])
    }

    /// The same check on a copy of `relative` with `broken` replaced by `with`: shows the schema
    /// would refuse a template that GitHub or GitLab refuses.
    static func checkBroken(schema: String, file relative: String, replacing broken: String, with replacement: String) throws -> (status: Int32, output: String) {
        let text = try String(contentsOfFile: ReportConsumers.packageRoot + "/" + relative, encoding: .utf8)
        try #require(text.contains(broken), "\(relative) no longer contains \(broken)")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yml").path
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try text.replacingOccurrences(of: broken, with: replacement).write(toFile: copy, atomically: true, encoding: .utf8)
        return try ReportConsumers.run(ReportConsumers.checkJSONSchema, ["--builtin-schema", schema, copy])
    }
}

/// The CI templates in examples/ci are valid for the service that runs them: a workflow GitHub
/// rejects, or a .gitlab-ci.yml with a syntax error, never runs its schedule, and says so nowhere.
@Suite(.enabled(if: ReportConsumers.shouldRun, "the report consumers are missing: run scripts/install-test-tools.sh or set RESTORE_DRILL_TEST_TOOLS"))
struct CITemplateSchemaTests {
    @Test func theGitHubWorkflowsMatchTheGitHubWorkflowSchema() throws {
        try ReportConsumers.requireInstalled()
        for file in ["examples/ci/github-actions/restore-drill.yml", "examples/ci/github-actions/restore-drill-overdue.yml"] {
            let result = try SchemaChecker.check(schema: "vendor.github-workflows", file: file)
            #expect(result.status == 0, "\(file): \(result.output)")
        }
        // A job without a runner is refused.
        let broken = try SchemaChecker.checkBroken(schema: "vendor.github-workflows", file: "examples/ci/github-actions/restore-drill.yml",
                                                   replacing: "runs-on: [self-hosted, linux, restore-drill]", with: "")
        #expect(broken.status != 0, "\(broken.output)")
    }

    @Test func theGitLabPipelineMatchesTheGitLabCISchema() throws {
        try ReportConsumers.requireInstalled()
        let file = "examples/ci/gitlab/.gitlab-ci.yml"
        let result = try SchemaChecker.check(schema: "vendor.gitlab-ci", file: file)
        #expect(result.status == 0, "\(file): \(result.output)")
        // An artifacts rule GitLab does not know is refused.
        let broken = try SchemaChecker.checkBroken(schema: "vendor.gitlab-ci", file: file, replacing: "when: always", with: "when: sometimes")
        #expect(broken.status != 0)
        #expect(broken.output.contains("sometimes"), "\(broken.output)")
    }
}
