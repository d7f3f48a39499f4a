extension AlertKey {
    /// The key of an alert that carries no identity of its own: a fingerprint of its label set.
    ///
    /// Like Alertmanager's fingerprint, it depends only on the labels (names and values, in any
    /// order), so the same alert reported twice dedups. FNV-1a over the sorted `name\u{0}value\u{0}`
    /// pairs: stable across processes and versions, unlike Swift's seeded `Hasher`.
    public init(source: String, labels: [String: String]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            for byte in name.utf8 + [0] + value.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        self.init(source: source, key: String(repeating: "0", count: 16 - hex.count) + hex)
    }
}
