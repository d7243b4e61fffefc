// QuorumCode: code tasks. Program assembly and prompt templates for HumanEval and MBPP, execution in a
// sandboxed `python3` subprocess, pass@k, and execution-based answer equivalence for selection.
// Its public API speaks in QuorumCore's and QuorumTasks' types, so importing QuorumCode brings them along.
@_exported import QuorumCore
@_exported import QuorumTasks
