extension Duration {
    /// Fractional seconds, the unit DrillKit's `DurationText` formats.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
