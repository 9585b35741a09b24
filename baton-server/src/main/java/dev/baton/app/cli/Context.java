package dev.baton.app.cli;

import java.io.PrintStream;
import java.util.Map;

/** What a command may use besides its options: the streams and the environment. */
public record Context(PrintStream out, PrintStream err, Map<String, String> env) {}
