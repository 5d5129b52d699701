package io.zetaspark.job.io;

/** The output path exists and overwriting was not asked for. */
public class OutputExistsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public OutputExistsException(String path) {
        super("output path " + path + " already exists; pass --overwrite (overwrite=true) to replace it");
    }
}
