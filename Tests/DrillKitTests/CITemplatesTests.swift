import Foundation
import Testing
import Yams

/// The CI templates in `examples/ci`, read as YAML the way GitHub and GitLab read them, hold
/// what makes them a gate: a schedule and a manual trigger, evidence steps that run whatever the
/// verdict, and nothing that softens the drill's exit code.
@Suite struct CITemplatesTests {
    private static let drillWorkflow = "examples/ci/github-actions/restore-drill.yml"
    private static let overdueWorkflow = "examples/ci/github-actions/restore-drill-overdue.yml"
    private static let gitlabPipeline = "examples/ci/gitlab/.gitlab-ci.yml"

    private static var packageRoot: URL { ScenarioFixtures.packageRoot }

    // MARK: GitHub Actions

    @Test func theDrillWorkflowRunsOnAMonthlyScheduleAndOnDemand() throws {
        let workflow = try Self.load(Self.drillWorkflow)
        let triggers = try #require(Self.mapping(workflow["on"]), "no `on:` triggers")

        let schedule = try #require(triggers["schedule"] as? [Any], "no schedule trigger")
        let crons = schedule.compactMap { Self.mapping($0)?["cron"] as? String }
        #expect(crons.count == schedule.count && !crons.isEmpty, "\(schedule)")
        for cron in crons {
            #expect(cron.split(separator: " ").count == 5, "cron \(cron) does not have five fields")
        }
        let monthly = try #require(crons.first)
        #expect(monthly.split(separator: " ").suffix(3).map(String.init) == ["1", "*", "*"], "the first cron is the monthly drill: \(monthly)")

        #expect(triggers.keys.contains("workflow_dispatch"))
        let inputs = Self.mapping(Self.mapping(triggers["workflow_dispatch"])?["inputs"])
        let scenario = Self.mapping(inputs?["scenario"])
        let defaultScenario = try #require(scenario?["default"] as? String, "workflow_dispatch has no scenario input with a default")
        #expect(defaultScenario == "Scenarios/sovecom-monthly.yml")
        #expect(FileManager.default.fileExists(atPath: Self.packageRoot.appendingPathComponent(defaultScenario).path))

        // The drill job runs on the monthly cron (and by hand), the weekly one only checks for overdue drills.
        let jobs = try #require(Self.mapping(workflow["jobs"]))
        let drill = try #require(Self.mapping(jobs["drill"]), "no `drill` job")
        let drillCondition = drill["if"] as? String ?? ""
        #expect(drillCondition.contains("'\(monthly)'") && drillCondition.contains("workflow_dispatch"), "\(drillCondition)")
        let overdue = try #require(Self.mapping(jobs["overdue"]), "no `overdue` job")
        #expect(overdue["uses"] as? String == "./.github/workflows/restore-drill-overdue.yml")
        #expect(crons.count >= 2, "the weekly overdue check has no cron: \(crons)")
        for cron in crons.dropFirst() {
            #expect((overdue["if"] as? String ?? "").contains("'\(cron)'"), "cron \(cron) starts no job")
        }
    }

    @Test func aReleaseTagRunsTheUpgradeGateAndTheReleaseWaitsForIt() throws {
        let workflow = try Self.load(Self.drillWorkflow)
        let triggers = try #require(Self.mapping(workflow["on"]))
        let tags = Self.mapping(triggers["push"])?["tags"] as? [Any] ?? []
        #expect(tags.contains { $0 as? String == "v*" }, "\(tags)")
        let jobs = try #require(Self.mapping(workflow["jobs"]))
        let drill = try Self.drillJob(workflow)
        #expect((drill["if"] as? String ?? "").contains("startsWith(github.ref, 'refs/tags/v')"))
        let scenario = Self.mapping(drill["env"])?["SCENARIO"] as? String ?? ""
        #expect(scenario.contains("'Scenarios/sovecom-upgrade.yml'"), "\(scenario)")
        #expect(FileManager.default.fileExists(atPath: Self.packageRoot.appendingPathComponent("Scenarios/sovecom-upgrade.yml").path))
        let release = try #require(Self.mapping(jobs["release"]), "no release job")
        #expect(release["needs"] as? String == "drill", "the release waits for the gate")
        #expect(release["continue-on-error"] == nil && !(release["if"] as? String ?? "").contains("always()"), "nothing lets the release past a failed gate")

        let gitlab = try Self.load(Self.gitlabPipeline)
        let gate = try #require(Self.mapping(gitlab["restore-drill"]))
        let rules = gate["rules"] as? [Any] ?? []
        let tagRule = try #require(rules.compactMap(Self.mapping).first { ($0["if"] as? String ?? "").contains("$CI_COMMIT_TAG") })
        #expect(Self.mapping(tagRule["variables"])?["DRILL_SCENARIO"] as? String == "Scenarios/sovecom-upgrade.yml")
        let gitlabRelease = try #require(Self.mapping(gitlab["release"]), "no GitLab release job")
        #expect(gitlabRelease["needs"] as? [String] == ["restore-drill"])
        #expect((gitlab["stages"] as? [String])?.last == "release")
    }

    @Test func theDrillJobRunsOnTheDrillHostWithATimeoutAndMinimalPermissions() throws {
        let workflow = try Self.load(Self.drillWorkflow)
        let topLevel = try #require(Self.mapping(workflow["permissions"]), "no top-level permissions")
        #expect(topLevel.values.allSatisfy { $0 as? String == "read" }, "\(topLevel)")

        let drill = try Self.drillJob(workflow)
        let runsOn = drill["runs-on"] as? [Any] ?? []
        #expect(runsOn.contains { $0 as? String == "self-hosted" }, "\(runsOn)")
        let timeout = try #require(drill["timeout-minutes"] as? Int, "no timeout-minutes")
        #expect(timeout > 120, "the scenario's own deadline is 2h")
        let permissions = try #require(Self.mapping(drill["permissions"]))
        #expect(permissions["contents"] as? String == "write", "the records are pushed to the drill-records branch")
        #expect(Set(permissions.keys).isSubset(of: ["contents", "checks"]), "\(permissions)")
    }

    @Test func theDrillStepsExitCodeIsTheJobsExitCode() throws {
        let workflow = try Self.load(Self.drillWorkflow)
        let drill = try Self.drillJob(workflow)
        #expect(!drill.keys.contains("continue-on-error"))

        let steps = try Self.steps(drill)
        let index = try #require(steps.firstIndex { $0["id"] as? String == "drill" }, "no step with id drill")
        let step = steps[index]
        let script = try #require(step["run"] as? String)
        #expect(script.contains("run \"$SCENARIO\""), "the drill step does not run the scenario:\n\(script)")
        #expect(!step.keys.contains("continue-on-error"))
        #expect(!step.keys.contains("if"), "the drill step runs only when everything before it succeeded")
        for softener in ["|| true", "||true", "|| :", "set +e"] {
            #expect(!script.contains(softener), "the drill step contains `\(softener)`")
        }
        // The drill is the step's last command, so its exit code is the step's.
        let commands = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        let last = try #require(commands.last)
        #expect(last.hasPrefix("\"$DRILL\""), "the drill step ends with `\(last)`, not with the drill")

        // Every later step runs whatever the verdict, and none can be allowed to fail quietly.
        for later in steps[(index + 1)...] {
            let name = later["name"] as? String ?? "?"
            #expect((later["if"] as? String ?? "").contains("always()"), "step \(name) does not run after a failed drill")
            #expect(!later.keys.contains("continue-on-error"), "step \(name) has continue-on-error")
        }
    }

    @Test func theReportsAreUploadedSummarizedAndPublishedWhateverTheVerdict() throws {
        let steps = try Self.steps(Self.drillJob(Self.load(Self.drillWorkflow)))

        let upload = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact@") == true },
                                  "no actions/upload-artifact step")
        #expect(upload["uses"] as? String == "actions/upload-artifact@v4")
        #expect(upload["if"] as? String == "always()")
        let uploadInputs = try #require(Self.mapping(upload["with"]))
        #expect((uploadInputs["path"] as? String)?.contains("reports/") == true, "\(uploadInputs)")
        let retention = try #require(uploadInputs["retention-days"] as? Int, "no retention-days")
        #expect(retention >= 365)

        let summary = try #require(steps.first { ($0["run"] as? String)?.contains("GITHUB_STEP_SUMMARY") == true },
                                   "no step writes to GITHUB_STEP_SUMMARY")
        #expect((summary["if"] as? String)?.contains("always()") == true)
        #expect((summary["run"] as? String)?.contains(".md") == true, "the summary does not take the drill's Markdown report")

        let junit = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("mikepenz/action-junit-report@") == true },
                                 "no JUnit report step")
        #expect(junit["if"] as? String == "always()")
        let junitInputs = try #require(Self.mapping(junit["with"]))
        #expect((junitInputs["report_paths"] as? String)?.hasSuffix(".xml") == true)
        #expect(junitInputs["fail_on_failure"] as? Bool != true, "the exit code is the gate, not the JUnit action")

        let publish = try #require(steps.first { ($0["run"] as? String)?.contains("push origin") == true },
                                   "no step pushes the records")
        #expect((publish["if"] as? String)?.contains("always()") == true)
    }

    @Test func theOverdueWorkflowRunsOnPushesAndHasNoScheduleOfItsOwn() throws {
        let workflow = try Self.load(Self.overdueWorkflow)
        let triggers = try #require(Self.mapping(workflow["on"]))
        #expect(triggers.keys.contains("push") && triggers.keys.contains("pull_request"), "\(triggers.keys)")
        #expect(triggers.keys.contains("workflow_call"), "restore-drill.yml calls it every week")
        // A schedule here would let GitHub disable the whole file after 60 quiet days, push triggers included.
        #expect(!triggers.keys.contains("schedule"))

        let jobs = try #require(Self.mapping(workflow["jobs"]))
        let scripts = jobs.values.compactMap { Self.mapping($0) }.flatMap { (try? Self.steps($0)) ?? [] }.compactMap { $0["run"] as? String }
        #expect(scripts.contains { $0.contains("history") && $0.contains("--fail-if-overdue") }, "no step runs history --fail-if-overdue")
        #expect(!scripts.contains { $0.contains("|| true") })
    }

    // MARK: GitLab CI

    @Test func theGitLabDrillKeepsItsReportsWhateverTheVerdict() throws {
        let pipeline = try Self.load(Self.gitlabPipeline)
        let drill = try #require(Self.mapping(pipeline["restore-drill"]), "no restore-drill job")

        let artifacts = try #require(Self.mapping(drill["artifacts"]), "no artifacts")
        #expect(artifacts["when"] as? String == "always")
        #expect((artifacts["paths"] as? [Any])?.contains { $0 as? String == "reports/" } == true, "\(artifacts)")
        #expect(artifacts["expire_in"] is String)
        let reports = try #require(Self.mapping(artifacts["reports"]), "no artifacts:reports")
        let junit = reports["junit"] as? String ?? (reports["junit"] as? [Any])?.first as? String
        #expect(junit?.hasSuffix(".xml") == true, "artifacts:reports:junit is not set: \(reports)")

        let rules = (drill["rules"] as? [Any] ?? []).compactMap { Self.mapping($0)?["if"] as? String }
        #expect(rules.contains { $0.contains("$CI_PIPELINE_SOURCE == \"schedule\"") }, "\(rules)")
        #expect(rules.contains { $0.contains("$CI_PIPELINE_SOURCE == \"web\"") }, "\(rules)")
    }

    @Test func theGitLabJobExitsWithTheDrillsCode() throws {
        let pipeline = try Self.load(Self.gitlabPipeline)
        let drill = try #require(Self.mapping(pipeline["restore-drill"]))
        #expect(!drill.keys.contains("allow_failure") || drill["allow_failure"] as? Bool == false)
        let script = (drill["script"] as? [Any] ?? []).compactMap { $0 as? String }.joined(separator: "\n")
        #expect(script.contains("\"$DRILL\" \"${args[@]}\" || drill_status=$?"), "the drill's exit code is not kept")
        #expect(script.contains("exit \"$drill_status\""), "the job does not exit with the drill's code")
        for softener in ["|| true", "||true", "|| :", "set +e"] {
            #expect(!script.contains(softener), "the drill job contains `\(softener)`")
        }
    }

    @Test func theGitLabOverdueJobRunsInOrdinaryPipelines() throws {
        let pipeline = try Self.load(Self.gitlabPipeline)
        let overdue = try #require(Self.mapping(pipeline["restore-drill-overdue"]), "no restore-drill-overdue job")
        let rules = (overdue["rules"] as? [Any] ?? []).compactMap { Self.mapping($0)?["if"] as? String }
        #expect(rules.contains { $0.contains("$CI_PIPELINE_SOURCE == \"push\"") }, "\(rules)")
        let script = (overdue["script"] as? [Any] ?? []).compactMap { $0 as? String }.joined(separator: "\n")
        #expect(script.contains("history") && script.contains("--fail-if-overdue"))
        #expect(!overdue.keys.contains("allow_failure"))
    }

    // MARK: Reading the files

    private static func load(_ relative: String) throws -> [String: Any] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(relative), encoding: .utf8)
        return try #require(mapping(try Yams.load(yaml: text)), "\(relative) is not a YAML mapping")
    }

    /// A YAML mapping with string keys. Yams reads YAML 1.1, where a bare `on` key is the boolean
    /// true; GitHub reads it as the string "on".
    private static func mapping(_ value: Any?) -> [String: Any]? {
        guard let raw = value as? [AnyHashable: Any] else { return nil }
        var result: [String: Any] = [:]
        for (key, element) in raw {
            if let flag = key.base as? Bool {
                result[flag ? "on" : "off"] = element
            } else {
                result["\(key.base)"] = element
            }
        }
        return result
    }

    private static func drillJob(_ workflow: [String: Any]) throws -> [String: Any] {
        let jobs = try #require(mapping(workflow["jobs"]), "no jobs")
        return try #require(mapping(jobs["drill"]), "no `drill` job")
    }

    private static func steps(_ job: [String: Any]) throws -> [[String: Any]] {
        let steps = try #require(job["steps"] as? [Any], "the job has no steps")
        return steps.compactMap { mapping($0) }
    }
}
