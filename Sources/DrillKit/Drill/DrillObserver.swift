/// Receives the drill's progress as it happens (the console; tests may record it).
public protocol DrillObserver: Sendable {
    func drillStarted(scenario: Scenario, runId: String)
    func stepStarted(id: StepID, title: String)
    func progress(stepId: StepID, text: String)
    func stepFinished(_ step: StepRecord)
    func checkFinished(_ check: CheckRecord)
    func drillFinished(_ record: DrillRecord)
}

public struct SilentObserver: DrillObserver {
    public init() {}
    public func drillStarted(scenario: Scenario, runId: String) {}
    public func stepStarted(id: StepID, title: String) {}
    public func progress(stepId: StepID, text: String) {}
    public func stepFinished(_ step: StepRecord) {}
    public func checkFinished(_ check: CheckRecord) {}
    public func drillFinished(_ record: DrillRecord) {}
}
