// The exit codes every command uses (docs/cli.md, "Exit status"): kubeconform's and the Kyverno CLI's convention.
/** Success: everything checked is valid, or a long-running command stopped cleanly. */
export const EXIT_OK = 0;
/** At least one checked object is invalid. */
export const EXIT_INVALID = 1;
/** The command line is wrong, an input is unreadable, or the command could not start. */
export const EXIT_USAGE = 2;
/** A command that checks no manifest failed while running: certs could not read or write a file, serve could not
 * load its certificate or listen, or a second signal cut its graceful shutdown short. */
export const EXIT_FAILED = 1;
