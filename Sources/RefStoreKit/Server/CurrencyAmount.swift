/// An amount in minor units shown the way its currency is written: `12.34 EUR`, `1234 JPY`,
/// `1.234 KWD`. The integer cents stay the truth; this text is for people.
enum CurrencyAmount {
    /// ISO 4217 minor units where they are not 2.
    static let minorUnits: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3, "CLF": 4, "UYW": 4,
    ]

    static func format(_ minor: Int64, currency: String) -> String {
        let digits = minorUnits[currency] ?? 2
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        guard digits > 0 else { return "\(sign)\(magnitude) \(currency)" }
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return "\(sign)\(magnitude / divisor).\(String(repeating: "0", count: digits - fraction.count))\(fraction) \(currency)"
    }
}
