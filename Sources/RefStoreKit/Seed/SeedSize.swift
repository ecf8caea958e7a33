/// Named data set sizes, so demos, tests and benchmarks talk about the same shapes.
public enum SeedSize: String, CaseIterable, Sendable {
    case tiny, small, medium, large

    public var orderCount: Int {
        switch self {
        case .tiny: 100
        case .small: 10_000
        case .medium: 100_000
        case .large: 1_000_000
        }
    }
}
