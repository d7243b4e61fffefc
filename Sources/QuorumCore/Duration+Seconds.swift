extension Duration {
    /// The duration in seconds as a `Double` (timings of paths, requests and runs): the one conversion of the
    /// package.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
