/// Boots the application on the restored database and waits until it is healthy.
struct AppStep: DrillStep {
    let id = StepID.app
    let title = "Boot the application and wait until it is healthy"
    let spec: AppSpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        let app = try await drill.target.bootApp(spec, key: state.masterKey)
        state.appAddress = app.address
        state.appReady = true
        return StepResult(app.message, app.evidence)
    }
}
