// Replaced by the real factory when the checks land.
public func makeCheck(_ spec: CheckSpec) -> (any DrillCheck)? { nil }
