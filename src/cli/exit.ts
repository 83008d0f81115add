/** Exit codes of the `lineguard` command (also listed in `--help`). */
export const EXIT = {
  ok: 0,
  /** Bad flags or arguments. */
  usage: 64,
  /** No input could be read at all (missing file, not a capture, permission). */
  input: 66,
  /** An input broke off (truncated, corrupt): what came before it was analysed and reported. */
  partial: 65,
  /** Writing an output file failed. */
  output: 73,
  /** A bug: please report it. */
  internal: 70,
} as const;

export const EXIT_HELP = `
Exit codes:
  0   success
  64  usage error (bad flag or argument)
  65  an input was truncated or corrupt; everything before the error was analysed and reported
  66  no input could be read (missing file, not a capture file, permission denied)
  70  internal error
  73  an output file could not be written
  130 analyze stopped by Ctrl+C (143: by SIGTERM); no output written`;
