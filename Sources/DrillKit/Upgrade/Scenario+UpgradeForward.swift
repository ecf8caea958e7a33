extension Scenario {
    /// What the gate's forward target is made from: with `upgrade.database_image` (a
    /// PostgreSQL line jump), the upgraded stack's database image; the way back is made from
    /// the scenario as written, the stack production runs now.
    var upgradeForward: Scenario {
        guard let image = upgrade?.databaseImage, case .compose(var spec) = environment.target else { return self }
        var forward = self
        spec.databaseImage = image
        forward.environment.target = .compose(spec)
        return forward
    }
}
