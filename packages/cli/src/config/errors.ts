/** A problem with a config file: always names the file and, when known, the key. Exit code 2. */
export class ConfigFileError extends Error {
  constructor(
    readonly reason: string,
    readonly filePath?: string,
    readonly key?: string,
  ) {
    super([filePath, key, reason].filter(Boolean).join(': '));
    this.name = 'ConfigFileError';
  }
}

/** Wrong command-line usage. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
