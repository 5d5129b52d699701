package io.zetaspark.job.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The job's command line, for spark-submit ({@code --class io.zetaspark.job.cli.ZetaCli}) and for local
 * runs through {@code bin/zeta}. Exit status: 0 done, 2 bad usage or bad input (the message says
 * what), 1 any other failure.
 */
@Command(name = "zeta", description = "ZETA attention (Z-order curves for top-k attention) on Apache Spark.",
        subcommands = {RunCommand.class, GenerateCommand.class, EvaluateCommand.class, CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND", usageHelpAutoWidth = true)
public final class ZetaCli implements Runnable {
    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, generate or evaluate");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI without exiting the JVM (tests, notebooks); returns the exit status. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new ZetaCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
                // bad input, bad parameters, existing output, no GPU engine: the message says it all
                commandLine.getErr().println("zeta " + commandLine.getCommandName() + ": error: " + t.getMessage());
                return 2;
            }
            commandLine.getErr().println("zeta " + commandLine.getCommandName() + ": failed: " + t);
            t.printStackTrace(commandLine.getErr());
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
