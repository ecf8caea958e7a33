import Foundation
import Testing

/// Validates a file of the package against one of check-jsonschema's bundled schemas (no
/// network at check time); the exit status and the output.
enum SchemaChecker {
    static func check(schema: String, file relative: String) throws -> (status: Int32, output: String) {
        try ReportConsumers.run(ReportConsumers.checkJSONSchema, ["--builtin-schema", schema, ReportConsumers.packageRoot + "/" + relative])
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
    }

    @Test func theGitLabPipelineMatchesTheGitLabCISchema() throws {
        try ReportConsumers.requireInstalled()
        let file = "examples/ci/gitlab/.gitlab-ci.yml"
        let result = try SchemaChecker.check(schema: "vendor.gitlab-ci", file: file)
        #expect(result.status == 0, "\(file): \(result.output)")
    }
}
