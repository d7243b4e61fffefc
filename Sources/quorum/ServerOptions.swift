import ArgumentParser

/// How `quorum run` talks to OpenAI-compatible servers: the model to request, the API key, requests in flight
/// and the deadlines (``ServerTimeoutOptions``).
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "With servers: the model name to request (default: the one model every server lists).", valueName: "name"))
    var servedModel: String?

    @Option(help: ArgumentHelp("With servers: the environment variable holding the API key.", valueName: "variable"))
    var apiKeyEnv = "OPENAI_API_KEY"

    @Option(help: "With servers: requests in flight per server at most.")
    var requestsPerServer = 8

    @OptionGroup var deadlines: ServerTimeoutOptions

    func validate() throws {
        if requestsPerServer < 1 { throw ValidationError("--requests-per-server must be at least 1, not \(requestsPerServer)") }
    }
}
