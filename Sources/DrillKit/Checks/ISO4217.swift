/// ISO 4217 alphabetic currency codes, embedded so the check needs no network and gives
/// the same answer on every run. Case matters: ISO codes are upper case, and `eur` in a
/// currency column is exactly the kind of drift the money check exists to catch.
enum ISO4217 {
    /// List One, the 178 codes in active use including 2024–2025's ZWG and XCG; funds and
    /// precious-metal codes are included because they are valid ISO codes.
    static let activeCodes: [String] = [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN",
        "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
        "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK",
        "DJF", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR",
        "FJD", "FKP",
        "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF",
        "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
        "JMD", "JOD", "JPY",
        "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
        "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR",
        "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR",
        "RON", "RSD", "RUB", "RWF",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
        "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
        "VED", "VES", "VND", "VUV",
        "WST",
        "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX",
        "YER",
        "ZAR", "ZMW", "ZWG",
    ]

    /// Codes ISO withdrew recently when a country changed currency (code → successor).
    /// Orders and invoices are immutable, so a shop that sold in kuna before 2023 keeps
    /// HRK rows forever; rejecting them would fail every drill of a healthy backup.
    static let replacedCodes: [String: String] = [
        "ANG": "XCG", "CUC": "CUP", "HRK": "EUR", "SLL": "SLE", "ZWL": "ZWG",
    ]

    /// What a currency column may hold.
    static var acceptedCodes: [String] { (activeCodes + replacedCodes.keys).sorted() }
}
