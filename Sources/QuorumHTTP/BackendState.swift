/// What the backend learns about its servers while it runs: discovered model names, and whether the servers
/// honour `n` (the fleet behind one backend is assumed to run the same server software).
actor BackendState {
    private var models: [Int: String] = [:]
    private(set) var nativeN: Bool?

    func model(for endpoint: Int) -> String? { models[endpoint] }

    func setModel(_ name: String, for endpoint: Int) { models[endpoint] = name }

    func setNativeN(_ value: Bool) { nativeN = value }
}
