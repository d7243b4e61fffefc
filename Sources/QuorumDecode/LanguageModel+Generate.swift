import QuorumCore

extension LanguageModel {
    /// Generates `request.samples` completions of `request.prompt`.
    ///
    /// The prompt is prefilled once; every sample forks that sequence, and all unfinished samples advance
    /// together, one batched ``step(_:)`` per token. Each step records the chosen token's raw
    /// log-probability (before temperature and truncation), the entropy of the full distribution and, when
    /// asked, the top alternatives. A sample ends at an end-of-generation token (when
    /// `stopAtEndOfGeneration`), at a stop string, at `maxTokens`, or when its sequence would pass the
    /// context length. Every sequence it made is freed before it returns, also when it throws.
    public func generate(_ request: GenerationRequest) async throws -> [Generation] {
        try await generate(request, prefix: nil)
    }

    /// Generates `request.samples` completions of the tokens `prefix` holds followed by `request.prompt`.
    ///
    /// Like ``generate(_:)``, except that the samples start from a fork of `prefix`, an already prefilled
    /// sequence that is left unchanged: only `request.prompt` is prefilled. Requests that share a long
    /// beginning (few-shot exemplars) can prefill it once into `prefix` and pass only the rest of each prompt.
    public func generate(_ request: GenerationRequest, after prefix: SequenceID) async throws -> [Generation] {
        try await generate(request, prefix: prefix)
    }

    private func generate(_ request: GenerationRequest, prefix: SequenceID?) async throws -> [Generation] {
        var promptLength = request.prompt.count
        if let prefix { promptLength += try await tokens(of: prefix).count }
        try check(request, promptLength: promptLength)
        let codec = text

        let base: SequenceID
        if let prefix { base = try await fork(prefix) } else { base = try await makeSequence() }
        var sequences = [base]
        do {
            let first = try await prefill(base, tokens: request.prompt, distributions: 1)[0]
            for _ in 1..<request.samples { sequences.append(try await fork(base)) }
            var samples = sequences.enumerated().map { i, sequence in
                GenerationSample(request: 0, index: i, sequence: sequence, parameters: request, distribution: first)
            }
            let eog = request.stopAtEndOfGeneration ? endOfGenerationTokens : []
            while true {
                var rows: [StepRow] = []
                var owners: [Int] = []
                for i in samples.indices where samples[i].finish == nil {
                    if let token = samples[i].advance(
                        request, eog: eog, codec: codec, promptLength: promptLength, contextLength: contextLength)
                    {
                        rows.append(StepRow(sequence: samples[i].sequence, token: token))
                        owners.append(i)
                    }
                }
                if rows.isEmpty { break }
                let next = try await step(rows)
                for (i, d) in zip(owners, next) { samples[i].distribution = d }
            }
            for s in sequences { await free(s) }
            return samples.map { $0.generation(codec: codec) }
        } catch {
            for s in sequences { await free(s) }
            throw error
        }
    }
}

extension LanguageModel {
    /// Checks `request` against this model: valid values, a tokenizer when stop strings need one, token ids
    /// in the vocabulary, a prompt (of `promptLength` tokens with any prefix) within the context length.
    func check(_ request: GenerationRequest, promptLength: Int) throws {
        try request.validate()
        if !request.stop.isEmpty, text == nil { throw DecodeError.noTokenizer("stop strings") }
        for t in request.prompt + request.forcedTokens where !(0..<vocabularySize).contains(t) {
            throw DecodeError.tokenOutOfRange(token: t, vocabularySize: vocabularySize)
        }
        guard promptLength <= contextLength else {
            throw DecodeError.invalidRequest(
                "the prompt has \(promptLength) tokens, more than the context length \(contextLength)")
        }
    }
}

extension GenerationRequest {
    /// The sampler of sample `index`: stream 0 of `seeds[index]` when ``seeds`` is given, else stream `index`
    /// of `sampling.seed`.
    func sampler(forSample index: Int) -> TokenSampler {
        guard let seeds else { return TokenSampler(parameters: sampling, stream: UInt64(index)) }
        var parameters = sampling
        parameters.seed = seeds[index]
        return TokenSampler(parameters: parameters, stream: 0)
    }
}
