import QuorumCore

/// One sample's progress while it is generated: its sequence, sampler, current distribution, the steps so
/// far and why it ended. Shared by ``LanguageModel/generate(_:)`` and ``BatchScheduler``.
struct GenerationSample {
    /// The request's position in its caller's list (0 for a single request).
    let request: Int
    /// The sample's index within its request (its sampler is `request.sampler(forSample: index)`).
    let index: Int
    var sequence: SequenceID
    var sampler: TokenSampler
    var distribution: NextTokenDistribution
    var steps: [GenerationStep] = []
    var matcher: StopStringMatcher
    var finish: FinishReason?

    init(request: Int, index: Int, sequence: SequenceID, parameters: GenerationRequest, distribution: NextTokenDistribution) {
        self.request = request
        self.index = index
        self.sequence = sequence
        sampler = parameters.sampler(forSample: index)
        self.distribution = distribution
        matcher = StopStringMatcher(stops: parameters.stop)
    }

    /// Chooses the next token from the current distribution (or the forced one), records the step, and
    /// either ends the sample or returns the token to feed. `eog` is the set of tokens that end it;
    /// `promptLength` counts the tokens before the first generated one (a prefix's included).
    mutating func advance(
        _ r: GenerationRequest, eog: Set<Int>, codec: (any TokenText)?, promptLength: Int, contextLength: Int
    ) -> Int? {
        if steps.count >= r.maxTokens {
            finish = .length
            return nil
        }
        let d = distribution
        let n = steps.count
        let token = n < r.forcedTokens.count ? r.forcedTokens[n] : sampler.sample(d)
        steps.append(
            GenerationStep(token: token, logprob: d.logprob(of: token) ?? -.infinity, entropy: d.entropy, top: d.top(r.topLogprobs)))
        if eog.contains(token) {
            finish = .stop
        } else if let codec, matcher.append(codec.bytes(of: token)) {
            finish = .stop
        } else if steps.count >= r.maxTokens || promptLength + steps.count > contextLength {
            finish = .length
        } else {
            return token
        }
        return nil
    }

    /// The finished completion.
    func generation(codec: (any TokenText)?) -> Generation {
        Generation(index: index, steps: steps, text: codec.map { _ in matcher.text }, finish: finish ?? .length)
    }
}
