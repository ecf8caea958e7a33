/// The app's master key goes into the target's private folder (0600) or the app's
/// environment, never into argv or a report.
struct MasterKeyStep: DrillStep {
    let id = StepID.masterKey
    let title = "Install the application's master key"
    let spec: MasterKeySpec

    func run(_ drill: DrillContext, _ state: inout DrillState, _ record: inout DrillRecord) async throws -> StepResult {
        guard let directory = drill.target.privateDirectory else {
            throw StepFailure(.error, "no throwaway target to install the key into")
        }
        let key: InstalledMasterKey
        do {
            key = try await MasterKeyInstaller.install(spec, secrets: drill.secrets, workDirectory: directory + "/app")
        } catch let failure as MasterKeyFailure {
            throw StepFailure(.error, failure.description)
        }
        state.masterKey = key
        let installed = key.file.map { "file \($0) (0600)" } ?? "environment variable \(key.environment.keys.sorted().joined())"
        let place = try await drill.target.placeKey(key, spec, installed: installed)
        var evidence = ["source: \(spec.source)", "installed as \(place)", "key id: sha256 \(key.fingerprint)…"]
        switch spec.decrypt {
        case .age?: evidence.insert("decrypted with age", at: 1)
        case .gpg?: evidence.insert("decrypted with gpg", at: 1)
        case nil: break
        }
        return StepResult("\(InstalledMasterKey.byteCount)-byte key installed as \(place)", evidence)
    }
}
