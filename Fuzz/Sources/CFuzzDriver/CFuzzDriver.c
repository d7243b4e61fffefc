// Empty: the header declares a function of libFuzzer; SwiftPM needs a source file in a C target.
