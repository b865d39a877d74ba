/**
 * A configuration value that is missing or malformed. The message names the
 * variable and says what it should be; the CLI prints it on one line and exits 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
  }
}

/** Exit code for a bad configuration. */
export const CONFIG_EXIT_CODE = 2;
