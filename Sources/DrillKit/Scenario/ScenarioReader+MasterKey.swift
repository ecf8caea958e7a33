extension ScenarioReader {
    func readMasterKey(_ value: ScenarioValue) -> MasterKeySpec? {
        guard let masterKey = mapping(value, allowed: ["decrypt", "install"], secretSlots: ["source"]) else { return nil }
        let source = secretReference("source", in: masterKey)
        let decrypt = masterKey["decrypt"].flatMap(readKeyDecryption)
        let install = required("install", in: masterKey).flatMap(readKeyInstallation)
        guard let source, let install else { return nil }
        return MasterKeySpec(source: source, decrypt: decrypt, install: install)
    }

    /// `age: { identity_file: … }` or `gpg: { passphrase_env: … }`. An age identity may also be
    /// named by `identity_file_env: VAR`, a variable holding the identity file's path, as
    /// deployments that mount the identity at a per-host path do.
    private func readKeyDecryption(_ value: ScenarioValue) -> KeyDecryption? {
        guard let decrypt = mapping(value, allowed: ["age", "gpg"]) else { return nil }
        switch exactlyOne(of: ["age", "gpg"], in: decrypt) {
        case "age":
            guard let ageValue = decrypt["age"],
                  let age = mapping(ageValue, allowed: ["identity_file_env"], secretSlots: ["identity"]),
                  let identity = secretReference("identity", in: age)
            else { return nil }
            return .age(identity: identity)
        case "gpg":
            guard let gpgValue = decrypt["gpg"],
                  let gpg = mapping(gpgValue, allowed: [], secretSlots: ["passphrase"]),
                  let passphrase = secretReference("passphrase", in: gpg)
            else { return nil }
            return .gpg(passphrase: passphrase)
        default:
            return nil
        }
    }

    /// `file: { service: api, path: /data/master.key }` (a path inside the target, so not
    /// resolved against the scenario's folder) or `env: MASTER_KEY`.
    private func readKeyInstallation(_ value: ScenarioValue) -> KeyInstallation? {
        guard let install = mapping(value, allowed: ["file", "env"]) else { return nil }
        switch exactlyOne(of: ["file", "env"], in: install) {
        case "file":
            guard let fileValue = install["file"], let file = mapping(fileValue, allowed: ["service", "path"]) else { return nil }
            let service = file["service"].flatMap(string)
            let targetPath = required("path", in: file).flatMap(string)
            return targetPath.map { .file(service: service, path: $0) }
        case "env":
            return install["env"].flatMap(environmentVariableName).map(KeyInstallation.environment)
        default:
            return nil
        }
    }
}
