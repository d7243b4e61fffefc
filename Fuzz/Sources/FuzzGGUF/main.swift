// Runs libFuzzer on fuzzGGUF (FuzzGGUF.swift); the arguments are libFuzzer's (-max_total_time, -max_len, corpus folders …).
import CFuzzDriver
import Foundation

var argc = CommandLine.argc
var argv = Optional(CommandLine.unsafeArgv)
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzGGUF(data, size) })
