// QuorumRun: runs. Its public API speaks in the run folder's types (RunManifest, RunError, DecoderSettings,
// PathsLog, …), so importing QuorumRun brings QuorumRunFolder along.
@_exported import QuorumRunFolder
