/// The check for one `checks:` entry, or nil for a kind this version cannot carry out (none today).
public func makeCheck(_ spec: CheckSpec) -> (any DrillCheck)? {
    switch spec.kind {
    case .rowCounts(let settings): RowCountsCheck(spec: spec, settings: settings)
    case .money(let settings): MoneyCheck(spec: spec, settings: settings)
    case .invoiceSequence(let settings): InvoiceSequenceCheck(spec: spec, settings: settings)
    case .sql(let settings): SQLCheck(spec: spec, settings: settings)
    case .canary(let settings): CanaryCheck(spec: spec, settings: settings)
    case .sequences(let settings): SequencesCheck(spec: spec, settings: settings)
    case .totpLogin(let settings): TOTPLoginCheck(spec: spec, settings: settings)
    case .secretDecrypt(let settings): SecretDecryptCheck(spec: spec, settings: settings)
    case .testOrder(let settings): TestOrderCheck(spec: spec, settings: settings)
    case .http(let settings): HTTPCheck(spec: spec, settings: settings)
    case .command(let settings): CommandCheck(spec: spec, settings: settings)
    case .integrity(let settings): IntegrityCheck(spec: spec, settings: settings)
    case .freshness(let settings): FreshnessCheck(spec: spec, settings: settings)
    case .volume(let settings): VolumeCheck(spec: spec, settings: settings)
    case .schema(let settings): SchemaCheck(spec: spec, settings: settings)
    }
}
