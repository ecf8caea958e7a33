import Foundation
@testable import DrillKit
import Testing

/// The runner's rules on a fake target with scripted steps: the order, the skip rule, the
/// verdicts, and the teardown on every path (a failure, a thrown error, cancellation at each
/// step and during the checks, the deadline). No PostgreSQL, no engine: milliseconds each.
@Suite struct DrillRunnerRulesTests {
    /// The pipeline of a drill with an app: scripted steps, and the real target and app steps
    /// asking the fake target.
    static let order: [StepID] = [.plan, .prepare, .target, .restore, .app]

    struct Drill {
        let runner: DrillRunner
        let target: FakeTarget
        let observer: RecordingObserver
    }

    static func drill(_ behavior: ScriptedBehavior = .pass, at faulty: StepID? = nil, checks: [Verdict] = [.pass, .pass],
                      duringChecks: ScriptedBehavior = .pass, leftovers: [String] = [], deadline: Double? = nil) -> Drill {
        let interruption = Interruption()
        var script = FakeTarget.Script(leftovers: leftovers)
        if faulty == .target { script.create = behavior }
        if faulty == .app { script.boot = behavior }
        let target = FakeTarget(script, interruption: interruption)
        let steps: [any DrillStep] = order.map { id in
            switch id {
            case .target: TargetStep(title: target.creationTitle)
            case .app: AppStep(spec: AppSpec(start: .command(["fake-app"])))
            default: ScriptedStep(id: id, title: "scripted \(id)", behavior: id == faulty ? behavior : .pass)
            }
        }
        let scenario = Scenario(file: "/drills/fake.yml", name: "fake", objectives: Objectives(tier: nil, rpoSeconds: 3600, rtoSeconds: 3600),
                                environment: EnvironmentSpec(target: .local(LocalSpec()), database: DatabaseSpec(name: "shop", user: "shop")),
                                backup: BackupSpec(source: .dump(DumpSpec(path: "/fake/shop.dump"))), checks: [],
                                report: ReportSpec(directory: "/fake/reports"), deadlineSeconds: deadline)
        let observer = RecordingObserver()
        let runner = DrillRunner(scenario: scenario, runId: "fake-run", observer: observer, interruption: interruption,
                                 secrets: SecretStore(), target: { target },
                                 pipeline: { _ in DrillPipeline(steps: steps, checks: ScriptedChecks(verdicts: checks, behavior: duringChecks)) })
        return Drill(runner: runner, target: target, observer: observer)
    }

    /// Torn down once, last, with the drill's cancellation kept away from it.
    static func expectTornDown(_ drill: Drill, _ record: DrillRecord, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(drill.target.names.filter { $0 == "tearDown" }.count == 1, "\(drill.target.names)", sourceLocation: sourceLocation)
        #expect(drill.target.names.suffix(2) == ["stopApp", "tearDown"], "\(drill.target.names)", sourceLocation: sourceLocation)
        #expect(drill.target.calls.withLock { $0.teardownSawCancellation } == false, sourceLocation: sourceLocation)
        #expect(record.teardown?.verdict == .pass, sourceLocation: sourceLocation)
        #expect(drill.observer.events.withLock { $0 }.suffix(2) == ["teardown pass", "drill \(record.verdict.rawValue)"],
                sourceLocation: sourceLocation)
    }

    @Test func aHealthyDrillRunsEveryStepInOrderAndPasses() async {
        let drill = Self.drill()
        let record = await drill.runner.run()
        #expect(record.steps.map(\.id) == Self.order)
        #expect(record.steps.allSatisfy { $0.verdict == .pass }, "\(record.steps)")
        #expect(record.checks.map(\.verdict) == [.pass, .pass])
        #expect(record.verdict == .pass)
        #expect(record.exitCode == 0)
        #expect(record.rto?.verdict == .pass && record.rto?.measuredSeconds != nil)
        #expect(record.environment?.targetKind == "fake")
        #expect(drill.target.names == ["create", "boot", "stopApp", "tearDown"])
        #expect(record.teardown?.actions == ["fake app stopped", "removed the fake throwaway"])
        #expect(record.steps.last?.evidence.last == "log: fake app: shutting down", "the app's last lines are kept with its step")
        #expect(drill.observer.events.withLock { $0 }.prefix(3) == ["drill started", "start plan", "plan pass"])
        Self.expectTornDown(drill, record)
    }

    @Test(arguments: order)
    func aFailedStepSkipsEveryStepAfterIt(failing: StepID) async throws {
        let drill = Self.drill(.fail, at: failing)
        let record = await drill.runner.run()
        let index = try #require(Self.order.firstIndex(of: failing))
        #expect(record.steps.map(\.id) == Self.order, "every step is in the record, run or not")
        #expect(record.steps[..<index].allSatisfy { $0.verdict == .pass })
        #expect(record.steps[index].verdict == .fail)
        #expect(record.steps[index].message == ScriptedBehavior.failure)
        for later in record.steps[(index + 1)...] {
            #expect(later.verdict == .skipped, "\(later.id) after \(failing)")
        }
        for (before, after) in zip(record.steps.dropLast(), record.steps.dropFirst()) where before.verdict != .pass {
            #expect(after.message == "skipped: \(before.id) did not pass")
        }
        let restored = index > Self.order.firstIndex(of: .restore)!
        #expect(record.checks.map(\.verdict) == (restored ? [.pass, .pass] : [.skipped, .skipped]))
        if !restored { #expect(record.checks.allSatisfy { $0.message == "skipped: the restore step did not pass" }) }
        #expect(record.verdict == .fail)
        #expect(record.exitCode == 1)
        #expect(record.summary == "The \(failing) step failed: \(ScriptedBehavior.failure).")
        // Met only by a drill that recovered: this one ran, and stopped at the failed step.
        #expect(record.rto?.verdict == .fail)
        #expect(record.rto?.notRecovered == "the \(failing) step failed")
        #expect(record.rto?.measuredSeconds == nil, "no number that reads as a recovery time")
        #expect((record.rto?.ranSeconds != nil) == (index >= Self.order.firstIndex(of: .target)!), "the clock starts at target creation")
        // Past prepare the backup's age is known, but the drill did not recover; before it, unknown.
        #expect(record.rpo?.verdict == (index > Self.order.firstIndex(of: .prepare)! ? .fail : .skipped))
        #expect(record.summary.contains("RTO not met (the drill did not recover)") == false, "the failed step leads the summary")
        Self.expectTornDown(drill, record)
    }

    @Test(arguments: order)
    func aThrownErrorIsAnErrorAndStillTearsDown(throwing: StepID) async throws {
        let drill = Self.drill(.throwPlain, at: throwing)
        let record = await drill.runner.run()
        let step = try #require(record.steps.first { $0.id == throwing })
        #expect(step.verdict == .error)
        #expect(step.message == "a scripted plain error")
        #expect(record.steps.drop { $0.id != throwing }.dropFirst().allSatisfy { $0.verdict == .skipped })
        #expect(record.verdict == .error)
        #expect(record.exitCode == 2)
        Self.expectTornDown(drill, record)
    }

    @Test(arguments: order)
    func cancellationAtAStepSkipsTheRestAndStillTearsDown(interrupted: StepID) async throws {
        let drill = Self.drill(.interrupt, at: interrupted)
        let record = await drill.runner.run()
        let step = try #require(record.steps.first { $0.id == interrupted })
        #expect(step.verdict == .error)
        #expect(step.message == "interrupted by SIGTERM: the step did not finish")
        // The step after the interrupted one names it, as after any step that did not pass.
        let after = Array(record.steps.drop(while: { $0.id != interrupted }))
        for (before, later) in zip(after, after.dropFirst()) {
            #expect(later.verdict == .skipped)
            #expect(later.message == "skipped: \(before.id) did not pass")
        }
        #expect(record.checks.allSatisfy { $0.verdict == .skipped && $0.message == "skipped: interrupted by SIGTERM" })
        #expect(record.teardown?.trigger == "SIGTERM")
        #expect(record.rto?.verdict == .fail, "an interrupted drill did not recover")
        #expect(record.rto?.measuredSeconds == nil)
        #expect(record.verdict == .error)
        #expect(record.exitCode == 2)
        #expect(record.summary.hasPrefix("Interrupted by SIGTERM during \(interrupted)"), "\(record.summary)")
        Self.expectTornDown(drill, record)
    }

    @Test func cancellationDuringTheChecksStopsTheClockAndStillTearsDown() async {
        let drill = Self.drill(duringChecks: .interrupt)
        let record = await drill.runner.run()
        #expect(record.steps.allSatisfy { $0.verdict == .pass })
        #expect(record.checks.allSatisfy { $0.verdict == .error })
        #expect(record.rto?.verdict == .fail)
        #expect(record.rto?.notRecovered == "2 of 2 checks could not run (ERROR)")
        #expect(record.teardown?.trigger == "SIGTERM")
        #expect(record.verdict == .error)
        Self.expectTornDown(drill, record)
    }

    @Test func theDeadlineStopsAStepThatHangsAndStillTearsDown() async {
        let drill = Self.drill(.hang, at: .restore, deadline: 0.2)
        let record = await drill.runner.run()
        let restore = record.steps.first { $0.id == .restore }
        #expect(restore?.verdict == .error)
        #expect(restore?.message?.hasPrefix("interrupted by the scenario's deadline") == true, "\(restore?.message ?? "")")
        #expect(record.steps.last?.message == "skipped: restore did not pass")
        #expect(record.checks.allSatisfy { $0.message?.hasPrefix("skipped: interrupted by the scenario's deadline") == true })
        #expect(record.verdict == .error)
        Self.expectTornDown(drill, record)
    }

    @Test func aDrillWhoseAppNeverCameUpHasItsObjectivesNotMet() async throws {
        let drill = Self.drill(.fail, at: .app)
        let record = await drill.runner.run()
        let rto = try #require(record.rto)
        #expect(rto.verdict == .fail)
        #expect(rto.basis.hasPrefix("not met: the drill did not recover (the app step failed); it ran "), "\(rto.basis)")
        #expect(rto.outcomeWords == "not met (the drill did not recover)")
        #expect(rto.measuredText.hasPrefix("did not recover (ran "), "\(rto.measuredText)")
        #expect(record.rpo?.notRecovered == "the app step failed")
        let junit = JUnitTestCase(objective: rto, named: "RTO", suiteName: "fake")
        #expect("\(junit.outcome)".contains("the drill did not recover (the app step failed)"), "\(junit.outcome)")
        // A check that failed is the same: the drill did not recover.
        let checkFailed = await Self.drill(checks: [.pass, .fail]).runner.run()
        #expect(checkFailed.rto?.notRecovered == "1 of 2 checks failed")
        #expect(checkFailed.summary.contains("RTO not met (the drill did not recover)"), "\(checkFailed.summary)")
        // And only the healthy one meets them.
        let healthy = await Self.drill().runner.run()
        #expect(healthy.rto?.verdict == .pass && healthy.rto?.notRecovered == nil)
    }

    @Test func leftoversAfterTeardownMakeTheDrillAnError() async {
        let drill = Self.drill(leftovers: ["fake server pid 42 still running"])
        let record = await drill.runner.run()
        #expect(record.checks.allSatisfy { $0.verdict == .pass })
        #expect(record.teardown?.verdict == .error)
        #expect(record.verdict == .error)
        #expect(record.summary.contains("teardown left fake server pid 42 still running"), "\(record.summary)")
    }

    @Test func aCheckThatCouldNotRunIsNeverAPass() async {
        let errored = await Self.drill(checks: [.pass, .error]).runner.run()
        #expect(errored.verdict == .error)
        #expect(errored.exitCode == 2)
        let failed = await Self.drill(checks: [.fail, .pass]).runner.run()
        #expect(failed.verdict == .fail)
        let none = await Self.drill(checks: []).runner.run()
        #expect(none.verdict == .error, "a drill that verified nothing proves nothing")
    }

    @Test func aTargetThatWasNeverCreatedIsNotTornDownButSaysSo() async {
        let drill = Self.drill(.fail, at: .prepare)
        let record = await drill.runner.run()
        #expect(!drill.target.names.contains("create"))
        #expect(record.teardown?.actions == ["no throwaway target was created"])
        Self.expectTornDown(drill, record)
    }
}
