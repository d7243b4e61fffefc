/// Bounds that keep answer extraction linear in the length of a completion.
///
/// A path's text can be megabytes long (a server path with a large `max_tokens`, a model that repeats
/// itself). The extractors pass over the whole text a fixed number of times; what they do at each answer
/// phrase or `\boxed{` is bounded by these limits, so no text makes the work grow with the square of
/// its length.
enum ExtractionLimits {
    /// How many of the last occurrences of an answer phrase are tried, from the last back, before the
    /// phrase rule gives up (earlier ones are only reached when every later one is followed by prose).
    static let phraseTries = 100
    /// The most characters read after an answer phrase: a value is at the start of what follows it.
    static let fragmentCharacters = 2_000
}
